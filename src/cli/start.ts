/**
 * `npm start [-- --port N]`: the service on workerd via `wrangler dev`, with local D1/KV state in
 * .wrangler/state and a `demo` tenant ready to use (DESIGN.md "Tenants").
 *
 * The demo tenant never touches wrangler.toml (a committed placeholder binding would break a real
 * deploy): each start writes wrangler.local.toml (gitignored) = wrangler.toml, with the tenants an
 * operator onboarded, plus the demo binding. Its tokens are kept in .wrangler/demo-tokens.json, a
 * gitignored local-only convenience, so every later start can print them again; when that file
 * is missing or stale, fresh demo tokens are minted.
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { addTenantBlock, findTenantBinding } from "./config-file.ts";
import { cronsOf, startLocalCron } from "./cron.ts";
import { startDevSignIn } from "./dev-signin.ts";
import { adminApiUrl, consoleUrl, databaseName, localDatabaseId, tenantUrl } from "./names.ts";
import { seedSampleDirectory } from "./sample-data.ts";
import { currentTokens, issueTokens, migrateOne } from "./tenants.ts";
import { sha256Hex } from "../tenants/tokens.ts";
import { startWranglerDev, waitUntilHealthy, type WranglerTarget } from "./wrangler.ts";

const DEMO_TENANT = "demo";
const BASE_CONFIG = "wrangler.toml";
const CONFIG = "wrangler.local.toml";
const STATE_DIR = ".wrangler/state";
const DEMO_TOKENS_FILE = ".wrangler/demo-tokens.json";
/** Written once the sample directory is in, so a later start never seeds again. */
const DEMO_SEEDED_FILE = ".wrangler/demo-seeded";
const IP = "127.0.0.1";
const DEFAULT_PORT = 8787;
const READY_TIMEOUT_MS = 120_000;

interface DemoTokens {
  tenant: string;
  scimToken: string;
  adminToken: string;
}

const target: WranglerTarget = { configPath: CONFIG, remote: false, persistTo: STATE_DIR };

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

function writeLocalConfig(): void {
  const base = readFileSync(BASE_CONFIG, "utf8");
  const text = findTenantBinding(base, DEMO_TENANT)
    ? base
    : addTenantBlock(base, DEMO_TENANT, localDatabaseId(DEMO_TENANT));
  writeFileSync(CONFIG, text);
}

/** The demo tenant's working tokens, onboarding it or minting new tokens when needed. */
async function ensureDemoTenant(): Promise<DemoTokens> {
  writeLocalConfig();
  // Idempotent: creates the local database on a first start, migrates it after a pull.
  await migrateOne(target, databaseName(DEMO_TENANT), localDatabaseId(DEMO_TENANT));
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

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { port: { type: "string" }, empty: { type: "boolean" }, help: { type: "boolean" } },
  });
  if (values.help) {
    console.log(
      "Usage: npm start [-- --port N] [-- --empty]   (default port 8787; --empty: no sample users and groups)",
    );
    return;
  }
  const port = values.port === undefined ? DEFAULT_PORT : Number(values.port);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`invalid --port "${values.port}"`);

  const tokens = await ensureDemoTenant();
  const baseUrl = `http://${IP}:${port}`;
  const signIn = await startDevSignIn();
  // Issue 19: a local run may point event endpoints at a receiver on this machine (http://127.0.0.1:<port>).
  const dev = startWranglerDev({
    configPath: CONFIG,
    port,
    ip: IP,
    persistTo: STATE_DIR,
    vars: { WEBHOOKS_ALLOW_LOOPBACK_HTTP: "1", ...signIn.vars },
  });
  for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => dev.kill(signal));
  dev.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
  await waitUntilHealthy(baseUrl, dev, READY_TIMEOUT_MS);
  // wrangler dev never fires cron triggers: without this the outbox sweep would not run locally.
  const crons = cronsOf(readFileSync(CONFIG, "utf8"));
  startLocalCron(baseUrl, crons, (cron, outcome) => {
    if (outcome !== "ok") console.error(`npm start: cron "${cron}" did not run cleanly: ${outcome}`);
  });
  if (!values.empty) await seedOnce(baseUrl, tokens);
  printDemo(baseUrl, tokens);
  await signIn.printSetupLink(target, baseUrl, DEMO_TENANT);
  if (crons.length)
    console.log(
      `Cron triggers fired locally at their minute (UTC), as in production: ${crons.map((c) => `"${c}"`).join(", ")}`,
    );
}

main().catch((error: Error) => {
  console.error(`npm start: ${error.message}`);
  process.exit(1);
});
