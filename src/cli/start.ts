/**
 * `npm start [-- --port N --empty]`: every local cell on workerd, each its own `wrangler dev` with
 * its cron (./local-serve.ts), on local D1/KV state in .wrangler/state, and a `demo` tenant ready to
 * use (docs/running-a-fleet.md).
 *
 * Nothing local touches a tracked file (./local-fleet.ts): each start brings wrangler.local.toml
 * (gitignored) up to date with wrangler.toml, keeping the tenants onboarded locally and the demo
 * binding. The demo's tokens are kept in .wrangler/demo-tokens.json, a gitignored local-only
 * convenience, so every later start can print them again; when that file is missing or stale,
 * fresh demo tokens are minted.
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { cellOfTenant, listCells, syncCells, writeFileAtomic, type Cell, type Fleet } from "./cells.ts";
import { addTenantBlock } from "./config-file.ts";
import { migrateFleet, summarize } from "./fleet-migrate.ts";
import { placeholderProblem } from "./deploy-steps.ts";
import { DEMO_TENANT, LOCAL_STATE_DIR, localFleet, trackedFleet } from "./local-fleet.ts";
import { serveFleet, type ServedFleet } from "./local-serve.ts";
import { cronsOf } from "./cron.ts";
import { startDevSignIn } from "./dev-signin.ts";
import { adminApiUrl, consoleUrl, localDatabaseId, tenantUrl } from "./names.ts";
import { seedSampleDirectory } from "./sample-data.ts";
import { DEFAULT_PORT, LOCAL_IP } from "./served-ports.ts";
import { currentTokens, issueTokens } from "./tenants.ts";
import { sha256Hex } from "../tenants/tokens.ts";
import type { WranglerTarget } from "./wrangler.ts";

const DEMO_TOKENS_FILE = ".wrangler/demo-tokens.json";
/** Written once the sample directory is in, so a later start never seeds again. */
const DEMO_SEEDED_FILE = ".wrangler/demo-seeded";
const USAGE =
  "Usage: npm start [-- [--port N] [--empty]]   (N: the default cell's port, 8787 unless given; the other cells take the next free ports; --empty: no sample users and groups)";

interface DemoTokens {
  tenant: string;
  scimToken: string;
  adminToken: string;
}

const targetOf = (cell: Cell): WranglerTarget => ({
  configPath: cell.configPath,
  remote: false,
  persistTo: LOCAL_STATE_DIR,
});

function readSavedTokens(): DemoTokens | undefined {
  if (!existsSync(DEMO_TOKENS_FILE)) return undefined;
  try {
    return JSON.parse(readFileSync(DEMO_TOKENS_FILE, "utf8")) as DemoTokens;
  } catch {
    return undefined;
  }
}

function saveTokens(tokens: DemoTokens): DemoTokens {
  mkdirSync(path.dirname(DEMO_TOKENS_FILE), { recursive: true });
  writeFileSync(DEMO_TOKENS_FILE, JSON.stringify(tokens, null, 2) + "\n", { mode: 0o600 });
  chmodSync(DEMO_TOKENS_FILE, 0o600);
  return tokens;
}

/** The cell the demo tenant lives in, its binding added to the default cell on a first start. */
function ensureDemoBinding(fleet: Fleet): Cell {
  const home = cellOfTenant(fleet, DEMO_TENANT);
  if (home) return home;
  const text = readFileSync(fleet.templatePath, "utf8");
  writeFileAtomic(fleet.templatePath, addTenantBlock(text, DEMO_TENANT, localDatabaseId(DEMO_TENANT)));
  return cellOfTenant(fleet, DEMO_TENANT)!;
}

/** Creates a first start's databases, and migrates every local tenant after a pull (in this process). */
async function migrateLocal(fleet: Fleet): Promise<void> {
  const outcomes = await migrateFleet(listCells(fleet), {
    remote: false,
    stateDir: path.resolve(LOCAL_STATE_DIR),
    projectRoot: process.cwd(),
    concurrency: 8,
    check: false,
  });
  if (outcomes.some((o) => o.state !== "current"))
    for (const line of summarize(outcomes, false)) console.log(`Local tenant databases: ${line.trim()}`);
}

/** The demo tenant's working tokens, minting new ones when the saved ones are missing or stale. */
async function ensureDemoTokens(target: WranglerTarget): Promise<DemoTokens> {
  const current = new Set((await currentTokens(target, DEMO_TENANT)).map((t) => `${t.scope}:${t.hash}`));
  const saved = readSavedTokens();
  if (
    saved &&
    current.has(`scim:${await sha256Hex(saved.scimToken)}`) &&
    current.has(`admin:${await sha256Hex(saved.adminToken)}`)
  )
    return saved;
  console.log(`The demo tokens in ${DEMO_TOKENS_FILE} are missing or no longer current: minting new ones...`);
  const [scim, admin] = await issueTokens(target, DEMO_TENANT, ["scim", "admin"]);
  return saveTokens({ tenant: DEMO_TENANT, scimToken: scim.token, adminToken: admin.token });
}

function printDemo(baseUrl: string, tokens: DemoTokens): void {
  const url = tenantUrl(baseUrl, DEMO_TENANT);
  console.log(`
Demo tenant "${DEMO_TENANT}" is served at ${baseUrl}
  Tenant URL    ${url}
  Secret Token  ${tokens.scimToken}
  Admin token   ${tokens.adminToken}
  Admin API     ${adminApiUrl(baseUrl, DEMO_TENANT)}
  Console       ${consoleUrl(baseUrl, DEMO_TENANT)}   (sign in with the admin token)
Try it:
  curl -H "Authorization: Bearer ${tokens.scimToken}" "${url}/Users?filter=userName+eq+%22nobody%22"
(The tokens are kept in ${DEMO_TOKENS_FILE} for local use only. Stop with Ctrl+C.)
`);
}

/** First start only, and only into an empty tenant: a few users and groups from every source. */
async function seedOnce(baseUrl: string, tokens: DemoTokens): Promise<void> {
  if (existsSync(DEMO_SEEDED_FILE)) return;
  const api = adminApiUrl(baseUrl, DEMO_TENANT);
  const res = await fetch(`${api}/users?limit=1`, { headers: { Authorization: `Bearer ${tokens.adminToken}` } });
  const { total } = (await res.json()) as { total: number };
  if (total === 0) {
    const seeded = await seedSampleDirectory({
      tenantUrl: tenantUrl(baseUrl, DEMO_TENANT),
      adminApiUrl: api,
      scimToken: tokens.scimToken,
      adminToken: tokens.adminToken,
    });
    console.log(
      `Sample directory added to "${DEMO_TENANT}": ${seeded.users} users (SCIM, local, LDAP, Entra ID user source), ${seeded.groups} groups.`,
    );
  }
  writeFileSync(DEMO_SEEDED_FILE, new Date().toISOString() + "\n");
}

function printCells(fleet: Fleet, served: ServedFleet): void {
  const tenants = new Map(listCells(fleet).map((c) => [c.name, c.tenants.length]));
  console.log("Cells served, each its own wrangler dev with its cron:");
  for (const s of served.cells())
    console.log(`  ${s.cell.name.padEnd(14)}${s.baseUrl.padEnd(26)}${tenants.get(s.cell.name) ?? 0} tenant(s)`);
  console.log(
    "Onboard while this runs: `npm run tenant -- add <slug> [--cell C]` prints the Tenant URL; it answers within seconds, no restart.",
  );
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { port: { type: "string" }, empty: { type: "boolean" }, help: { type: "boolean" } },
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const port = values.port === undefined ? DEFAULT_PORT : Number(values.port);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`invalid --port "${values.port}"`);

  const fleet = localFleet();
  syncCells(fleet);
  // A checkout from before local tenants moved to gitignored files may still hold some in tracked ones.
  const tracked = placeholderProblem(listCells(trackedFleet()));
  if (tracked) console.log(`Note: ${tracked}`);
  const demoCell = ensureDemoBinding(fleet);
  await migrateLocal(fleet);
  const tokens = await ensureDemoTokens(targetOf(demoCell));
  // Filled once the cells are up; a signal while they start stops what has started by then.
  const running: { fleet?: ServedFleet } = {};
  const stop = async (signal: NodeJS.Signals, code: number) => {
    await running.fleet?.stop(signal);
    process.exit(code);
  };
  for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => void stop(signal, 0));
  const signIn = await startDevSignIn();
  const served = await serveFleet({
    fleet,
    port,
    ip: LOCAL_IP,
    stateDir: LOCAL_STATE_DIR,
    // A local run may point event endpoints at a receiver on this machine (http://127.0.0.1:<port>).
    vars: { WEBHOOKS_ALLOW_LOOPBACK_HTTP: "1", ...signIn.vars },
    log: (line) => console.log(line),
    onUnexpectedExit: (cell, how) => {
      console.error(`npm start: the wrangler dev of cell "${cell}" exited (${how}); stopping.`);
      void stop("SIGTERM", 1);
    },
  });
  running.fleet = served;
  const demoBase = served.cells().find((s) => s.cell.name === demoCell.name)!.baseUrl;
  if (!values.empty) await seedOnce(demoBase, tokens);
  printDemo(demoBase, tokens);
  await signIn.printSetupLink(targetOf(demoCell), demoBase, DEMO_TENANT);
  printCells(fleet, served);
  const crons = [...new Set(served.cells().flatMap((s) => cronsOf(readFileSync(s.cell.configPath, "utf8"))))];
  if (crons.length)
    console.log(
      `Cron triggers fired locally at their minute (UTC), as in production: ${crons.map((c) => `"${c}"`).join(", ")}`,
    );
}

main().catch((error: Error) => {
  console.error(`npm start: ${error.message}`);
  process.exit(1);
});
