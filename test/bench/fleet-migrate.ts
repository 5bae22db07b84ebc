/**
 * `npm run bench:migrate [-- --databases 1000]`: fleet migrations of local tenant databases
 * (issue 16), through the same code as `npm run tenant -- migrate`. Every migration from zero on
 * N fresh databases at concurrency 1, then on N others at concurrency 8 with 3 of them made to
 * fail (a table in the way of the first migration), then the rerun that finishes those 3.
 * Prints the wall times and summaries and writes test/bench/results/fleet-migrate.md.
 */
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { DEFAULT_CAPACITY } from "../../src/cli/cell-config.ts";
import type { Cell } from "../../src/cli/cells.ts";
import { migrateFleet, summarize } from "../../src/cli/fleet-migrate.ts";
import { withLocalDatabases } from "../../src/cli/local-d1.ts";
import { databaseName, localDatabaseId } from "../../src/cli/names.ts";
import { tenantBinding } from "../../src/tenants/slug.ts";
import { PROJECT_ROOT } from "../blackbox/harness.ts";

const { values } = parseArgs({ options: { databases: { type: "string", default: "1000" } } });
const count = Number(values.databases);
const work = path.join(PROJECT_ROOT, ".tmp", "bench-migrate");
const CELLS = 4;

/** `count` tenants spread over 4 cells (the files are not needed: local databases are opened by id). */
function fleetOf(prefix: string): Cell[] {
  return Array.from({ length: CELLS }, (_, c) => ({
    name: `c${c}`,
    configPath: `(in memory) c${c}.toml`,
    host: `c${c}.scim.example.com`,
    capacity: DEFAULT_CAPACITY,
    isDefault: false,
    tenants: Array.from({ length: Math.ceil(count / CELLS) }, (_, i) => i * CELLS + c)
      .filter((n) => n < count)
      .map((n) => {
        const slug = `${prefix}${String(n).padStart(5, "0")}`;
        return {
          slug,
          binding: tenantBinding(slug),
          databaseName: databaseName(slug),
          databaseId: localDatabaseId(slug),
          migrationsDir: undefined,
        };
      }),
  }));
}

async function run(label: string, cells: Cell[], stateDir: string, concurrency: number) {
  const started = performance.now();
  const outcomes = await migrateFleet(cells, {
    remote: false,
    stateDir,
    projectRoot: PROJECT_ROOT,
    concurrency,
    check: false,
  });
  const seconds = (performance.now() - started) / 1000;
  const summary = summarize(outcomes, false);
  console.log(`${label}: ${seconds.toFixed(1)} s\n${summary.join("\n")}`);
  return { label, seconds, summary };
}

rmSync(work, { recursive: true, force: true });
mkdirSync(work, { recursive: true });
const results = [];

results.push(await run(`${count} fresh databases, concurrency 1`, fleetOf("s"), path.join(work, "serial"), 1));

const parallel = fleetOf("p");
const failing = [parallel[0].tenants[5], parallel[1].tenants[50], parallel[3].tenants[100]].filter(Boolean);
const stateDir = path.join(work, "parallel");
await withLocalDatabases(
  stateDir,
  failing.map((t) => t.databaseId),
  async (open) => {
    for (const t of failing) await (await open(t.databaseId)).prepare("CREATE TABLE users (x)").run();
  },
);
results.push(
  await run(`${count} fresh databases, concurrency 8, ${failing.length} made to fail`, parallel, stateDir, 8),
);
await withLocalDatabases(
  stateDir,
  failing.map((t) => t.databaseId),
  async (open) => {
    for (const t of failing) await (await open(t.databaseId)).prepare("DROP TABLE users").run();
  },
);
results.push(
  await run(`the same ${count} again after fixing the ${failing.length}, concurrency 8`, parallel, stateDir, 8),
);

const machine = `${os.cpus().length} cores, ${Math.round(os.totalmem() / 1024 ** 3)} GiB`;
const md = [
  `# Fleet migrate, local (${new Date().toISOString()}, ${machine})`,
  "",
  ...results.flatMap((r) => [`## ${r.label}: ${r.seconds.toFixed(1)} s`, "", "```", ...r.summary, "```", ""]),
].join("\n");
writeFileSync(path.join(PROJECT_ROOT, "test", "bench", "results", "fleet-migrate.md"), md);
rmSync(work, { recursive: true, force: true });
