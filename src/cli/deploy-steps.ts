/**
 * What `npm run deploy` does, step by step, for the whole fleet: the shared token KV namespace,
 * each cell's queues, pending migrations on every tenant database, then each cell's Worker.
 * Every step first looks at what exists, so a second run only finishes what the first left.
 */
import { localOnlyVars } from "./local-only-vars.ts";
import { readFileSync } from "node:fs";
import path from "node:path";
import { listCells, syncCells, writeFileAtomic, type Cell, type Fleet } from "./cells.ts";
import { migrateFleet, summarize } from "./fleet-migrate.ts";
import { LOCAL_DATABASE_ID_PREFIX } from "./names.ts";
import { runWrangler } from "./wrangler.ts";

/** The id a fresh checkout carries for the token namespace: replaced by the real one on first deploy. */
export const PLACEHOLDER_KV_ID = "00000000000000000000000000000000";
export const TOKENS_KV_TITLE = "edge-scim-tokens";

export interface DeployOptions {
  dryRun: boolean;
  cwd: string;
  concurrency?: number;
  log?: (line: string) => void;
}

/** The queues and dead-letter queues a cell's config names. */
export function queuesOf(configText: string): string[] {
  const names = [...configText.matchAll(/^\s*(?:queue|dead_letter_queue)\s*=\s*"([^"]+)"/gm)].map((m) => m[1]);
  return [...new Set(names)];
}

export function tokensKvId(configText: string): string | undefined {
  return /\[\[kv_namespaces\]\]\s*\n\s*binding\s*=\s*"TOKENS"\s*\n\s*id\s*=\s*"([^"]*)"/m.exec(configText)?.[1];
}

/** A tenant bound to a local placeholder database id, which no Cloudflare account has. */
export interface PlaceholderBinding {
  cell: string;
  configPath: string;
  slug: string;
  databaseId: string;
}

export function placeholderBindings(cells: readonly Cell[]): PlaceholderBinding[] {
  return cells.flatMap((c) =>
    c.tenants
      .filter((t) => t.databaseId.startsWith(LOCAL_DATABASE_ID_PREFIX))
      .map((t) => ({ cell: c.name, configPath: c.configPath, slug: t.slug, databaseId: t.databaseId })),
  );
}

/** What is wrong and how to fix it, or undefined when every tenant has a real database id. */
export function placeholderProblem(cells: readonly Cell[]): string | undefined {
  const found = placeholderBindings(cells);
  if (found.length === 0) return undefined;
  return [
    `${found.length} tenant(s) are bound to local placeholder database ids, which no Cloudflare account has:`,
    ...found.map((f) => `  ${f.slug} in cell "${f.cell}" (${f.configPath}): database_id = "${f.databaseId}"`),
    `A local \`npm run tenant -- add\` makes such ids; local tenants belong in the gitignored local files (docs/local.md).`,
    `Take these blocks out of the tracked files (wrangler.local.toml keeps the default cell's local tenants), then onboard each customer with \`npm run tenant -- add <slug> --remote\`.`,
  ].join("\n");
}

/** Refuses, before anything is created or uploaded, a remote deploy of a local placeholder id. */
export function assertNoPlaceholders(cells: readonly Cell[]): void {
  const problem = placeholderProblem(cells);
  if (problem) throw new Error(`refusing to deploy: ${problem}`);
}

/** `wrangler deploy` of one cell (with --dry-run: bundle and check the config, upload nothing). */
export async function deployCell(cell: Cell, options: DeployOptions): Promise<string> {
  const args = ["deploy", "--config", cell.configPath];
  // Absolute: wrangler resolves a relative --outdir against the config's folder for the bundle.
  if (options.dryRun) args.push("--dry-run", "--outdir", path.resolve(options.cwd, ".wrangler", "dry-run", cell.name));
  if (!options.dryRun) assertNoPlaceholders([cell]);
  const { stdout } = await runWrangler(args, options.cwd);
  return stdout;
}

async function ensureTokensNamespace(fleet: Fleet, options: DeployOptions, log: (l: string) => void): Promise<void> {
  const template = readFileSync(fleet.templatePath, "utf8");
  const id = tokensKvId(template);
  if (id && id !== PLACEHOLDER_KV_ID) {
    log(`  KV namespace TOKENS: ${id} (kept; shared by every cell)`);
    return;
  }
  if (options.dryRun) {
    log(
      `  would find or create KV namespace "${TOKENS_KV_TITLE}", write its id into ${fleet.templatePath} and regenerate the cells`,
    );
    return;
  }
  const { stdout } = await runWrangler(["kv", "namespace", "list"], options.cwd);
  const listed = JSON.parse(stdout.slice(stdout.indexOf("["))) as { id: string; title: string }[];
  let found = listed.find((n) => n.title === TOKENS_KV_TITLE)?.id;
  if (!found) {
    const created = await runWrangler(["kv", "namespace", "create", TOKENS_KV_TITLE], options.cwd);
    found = /id\s*[=:]\s*"([0-9a-f]{32})"/.exec(created.stdout)?.[1];
    if (!found) throw new Error(`could not read the new namespace id from wrangler:\n${created.stdout}`);
  }
  writeFileAtomic(fleet.templatePath, template.replace(`id = "${id}"`, `id = "${found}"`));
  syncCells(fleet);
  log(`  KV namespace TOKENS: ${found} (written into ${fleet.templatePath} and every cell)`);
}

async function ensureQueues(cells: readonly Cell[], options: DeployOptions, log: (l: string) => void): Promise<void> {
  const wanted = cells.flatMap((c) =>
    queuesOf(readFileSync(c.configPath, "utf8")).map((q) => ({ cell: c.name, queue: q })),
  );
  if (options.dryRun) {
    for (const w of wanted) log(`  would create queue ${w.queue} (cell "${w.cell}") unless it exists`);
    return;
  }
  const { stdout } = await runWrangler(["queues", "list"], options.cwd);
  for (const w of wanted) {
    if (new RegExp(`(^|[\\s│|])${w.queue}([\\s│|]|$)`, "m").test(stdout)) log(`  queue ${w.queue}: exists`);
    else {
      await runWrangler(["queues", "create", w.queue], options.cwd);
      log(`  queue ${w.queue}: created`);
    }
  }
}

/** The whole deploy; returns false if a migration failed (the cells are then not deployed). */
export async function deployFleet(fleet: Fleet, options: DeployOptions): Promise<boolean> {
  const log = options.log ?? ((line: string) => console.log(line));
  const mode = options.dryRun
    ? "Dry run: nothing is created, changed or uploaded."
    : "Deploying to the Cloudflare account.";
  log(`${mode} Template ${fleet.templatePath}, cells in ${fleet.cellsDir}/.`);
  // First, before the token namespace step may write its id into the files.
  const placeholders = placeholderProblem(listCells(fleet));
  if (placeholders && !options.dryRun) throw new Error(`refusing to deploy: ${placeholders}`);
  if (placeholders) log(`warning: ${placeholders}\nA deploy with --remote refuses this.`);
  // Variables only `npm start` and the tests may set (a loopback identity provider or receiver).
  const local = localOnlyVars([fleet.templatePath, ...listCells(fleet).map((c) => c.configPath)]);
  const localText = `local-only variables are set (docs/people.md): ${local.join("; ")}`;
  if (local.length && !options.dryRun) throw new Error(`refusing to deploy: ${localText}`);
  if (local.length) log(`warning: ${localText}\nA deploy with --remote refuses this.`);

  log("1. Token index (KV), shared by every cell");
  await ensureTokensNamespace(fleet, options, log);
  const cells = listCells(fleet);

  log(`2. Queues and dead-letter queues of ${cells.length} cell(s)`);
  await ensureQueues(cells, options, log);

  const databases = cells.reduce((n, c) => n + c.tenants.length, 0);
  log(`3. Pending migrations on ${databases} tenant database(s), before any code that needs them`);
  if (options.dryRun) log(`  would run: npm run tenant -- migrate --remote (see \`migrate --check --remote\`)`);
  else {
    const outcomes = await migrateFleet(cells, {
      remote: true,
      stateDir: "",
      projectRoot: options.cwd,
      concurrency: options.concurrency ?? 8,
      check: false,
    });
    for (const line of summarize(outcomes, false)) log(`  ${line}`);
    if (outcomes.some((o) => o.state === "failed")) {
      log("Stopped before deploying any cell: fix the failed databases and run deploy again.");
      return false;
    }
  }

  log(`4. Workers, one per cell (a cell's deploy restarts only its own Durable Objects)`);
  for (const cell of cells) {
    const output = await deployCell(cell, options);
    const size = /Total Upload:\s*([^\n]+)/.exec(output)?.[1]?.trim();
    log(
      `  ${options.dryRun ? "checked" : "deployed"} cell "${cell.name}" (${cell.configPath}, ${cell.tenants.length} tenant(s))${size ? `: ${size}` : ""}`,
    );
  }
  log(options.dryRun ? "Dry run complete." : "Deploy complete.");
  return true;
}
