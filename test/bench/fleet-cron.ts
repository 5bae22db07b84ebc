/**
 * `npm run bench:fleet [-- --sizes 1000,4000 --rtt 0,40]`: one run of the scheduled handler's
 * work (src/fleet/cron.ts) in a cell of N tenant bindings of which 1% have work waiting (an outbox
 * row whose Queue send was lost, and the mark their write left). The cell is generated as `cell
 * add` does, served by `wrangler dev` with the bench entry (worker/fleet-entry.ts) in front of
 * the production Worker; only the tenants the cron may touch get a database with tables (the 1%
 * and those whose daily pruning turn is the run's minute): an idle tenant the cron wrongly
 * touched would fail and show in `failed`. Per run: D1 round trips, tenants touched and wall
 * time, with `--rtt` ms waited before each round trip (the distance to a D1 primary, which local
 * D1 does not have). Writes test/bench/results/fleet-cron.{md,json}.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { renderCell } from "../../src/cli/cell-config.ts";
import { migrateDatabase } from "../../src/cli/fleet-migrate.ts";
import { withLocalDatabases } from "../../src/cli/local-d1.ts";
import { projectMigrationsDir, readMigrations } from "../../src/cli/migration-files.ts";
import { databaseName, localDatabaseId } from "../../src/cli/names.ts";
import { startWranglerDev, waitUntilHealthy } from "../../src/cli/wrangler.ts";
import { MINUTES_A_DAY, pruneSlotOf } from "../../src/fleet/prune-slot.ts";
import { tenantBinding } from "../../src/tenants/slug.ts";
import { freePort, PROJECT_ROOT } from "../blackbox/harness.ts";

const { values } = parseArgs({
  options: { sizes: { type: "string", default: "1000,4000" }, rtt: { type: "string", default: "0,40" } },
});
const sizes = values.sizes.split(",").map(Number);
const rtts = values.rtt.split(",").map(Number);
const work = path.join(PROJECT_ROOT, ".tmp", "bench-fleet");
const slugOf = (i: number) => `t${String(i).padStart(5, "0")}`;

interface Run {
  tenants: number;
  withWork: number;
  pruneTurns: number;
  rttMs: number;
  roundTrips: number;
  touched: number;
  failed: number;
  ms: number;
  label: string;
}

async function measure(size: number): Promise<Run[]> {
  const dir = path.join(work, String(size));
  const state = path.join(dir, "state");
  mkdirSync(dir, { recursive: true });
  const slugs = Array.from({ length: size }, (_, i) => slugOf(i));
  const withWork = slugs.filter((_, i) => i % 100 === 50);
  // The run's minute: the turn of the day of some tenants (as every minute is, at these sizes).
  const turnAt = Math.floor(Date.now() / 60_000) * 60_000;
  const minute = Math.floor(turnAt / 60_000) % MINUTES_A_DAY;
  const turns = slugs.filter((s) => pruneSlotOf(s) === minute);
  let quiet = turnAt + 60_000;
  while (slugs.some((s) => pruneSlotOf(s) === Math.floor(quiet / 60_000) % MINUTES_A_DAY)) quiet += 60_000;

  const template = readFileSync(path.join(PROJECT_ROOT, "wrangler.toml"), "utf8").replace(
    /^main = "src\/index.ts"$/m,
    `main = "test/bench/worker/fleet-entry.ts"`,
  );
  const file = path.join(dir, "cell.toml");
  writeFileSync(
    file,
    renderCell({
      template,
      templateName: "wrangler.toml",
      templateDir: PROJECT_ROOT,
      cellDir: dir,
      cell: { name: `b${size}`, host: `b${size}.scim.example.com`, capacity: size },
      tenants: slugs.map((slug) => ({
        slug,
        binding: tenantBinding(slug),
        databaseName: databaseName(slug),
        databaseId: localDatabaseId(slug),
        migrationsDir: undefined,
      })),
    }),
  );
  const seeded = [...new Set([...withWork, ...turns])];
  const migrations = readMigrations(projectMigrationsDir());
  const lost = new Date(Date.now() - 5 * 60_000).toISOString();
  await withLocalDatabases(state, seeded.map(localDatabaseId), async (open) => {
    for (const slug of seeded) {
      const db = await open(localDatabaseId(slug));
      await migrateDatabase(db, migrations, false);
      if (withWork.includes(slug)) {
        const id = crypto.randomUUID();
        const payload = JSON.stringify({
          kind: "audit",
          id,
          at: lost,
          actor: "scim",
          action: "update",
          resourceType: "User",
          resourceId: "u1",
          detail: {},
        });
        await db
          .prepare("INSERT INTO outbox (id, kind, payload, created) VALUES (?1, 'audit', ?2, ?3)")
          .bind(id, payload, lost)
          .run();
      }
    }
  });

  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const dev = startWranglerDev({
    configPath: file,
    port,
    persistTo: state,
    inspectorPort: await freePort(),
    logLevel: "warn",
    cwd: PROJECT_ROOT,
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  let output = "";
  dev.stdout?.on("data", (c) => (output = (output + c).slice(-4000)));
  dev.stderr?.on("data", (c) => (output = (output + c).slice(-4000)));
  const runs: Run[] = [];
  try {
    await waitUntilHealthy(baseUrl, dev, 300_000, () => output);
    const cron = async (label: string, at: number, rttMs: number, worked: number, pruned: number) => {
      const res = await fetch(`${baseUrl}/bench/fleet-cron?turnAt=${at}&rtt=${rttMs}`, { method: "POST" });
      const r = (await res.json()) as { report: { failed: number }; ms: number; roundTrips: number; touched: number };
      const run = {
        tenants: size,
        withWork: worked,
        pruneTurns: pruned,
        rttMs,
        roundTrips: r.roundTrips,
        touched: r.touched,
        failed: r.report.failed,
        ms: Math.round(r.ms),
        label,
      };
      console.log(JSON.stringify(run));
      runs.push(run);
    };
    for (const rtt of rtts) {
      await cron("idle (no work, no pruning turn)", quiet, rtt, 0, 0);
      await fetch(`${baseUrl}/bench/fleet-mark`, { method: "POST", body: JSON.stringify(withWork) });
      await cron("1% with work + this minute's pruning turns", turnAt, rtt, withWork.length, turns.length);
    }
  } finally {
    try {
      process.kill(-dev.pid!, "SIGKILL");
    } catch {
      // gone
    }
  }
  return runs;
}

rmSync(work, { recursive: true, force: true });
const runs: Run[] = [];
for (const size of sizes) {
  console.log(`cell with ${size} tenants...`);
  runs.push(...(await measure(size)));
}
const when = new Date().toISOString();
const machine = `${os.cpus().length} cores, ${Math.round(os.totalmem() / 1024 ** 3)} GiB, ${os.cpus()[0]?.model ?? "?"}`;
const md = [
  `# One run of the scheduled handler (${when}, ${machine})`,
  "",
  "| tenants | run | tenants with work | pruning turns | D1 RTT emulated | D1 round trips | databases touched | failed | wall time |",
  "|---:|---|---:|---:|---:|---:|---:|---:|---:|",
  ...runs.map(
    (r) =>
      `| ${r.tenants} | ${r.label} | ${r.withWork} | ${r.pruneTurns} | ${r.rttMs} ms | ${r.roundTrips} | ${r.touched} | ${r.failed} | ${r.ms} ms |`,
  ),
  "",
  "The handler before: every tenant visited one after another, at least 5 round trips each (outbox sweep, activity prune, failing endpoints, retries, events prune): 5 × N round trips a minute.",
  "",
].join("\n");
console.log("\n" + md);
const results = path.join(PROJECT_ROOT, "test", "bench", "results");
writeFileSync(path.join(results, "fleet-cron.md"), md);
writeFileSync(path.join(results, "fleet-cron.json"), JSON.stringify({ when, machine, runs }, null, 2) + "\n");
rmSync(work, { recursive: true, force: true });
