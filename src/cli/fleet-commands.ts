/** `npm run tenant -- migrate` and `restore`: the commands that act on the fleet's databases. */
import path from "node:path";
import { cellOfTenant, listCells, type Fleet } from "./cells.ts";
import { DEFAULT_CONCURRENCY, migrateFleet, summarize } from "./fleet-migrate.ts";
import { databaseName } from "./names.ts";
import type { Output, ParsedValues } from "./command-line.ts";
import { assertValidSlug } from "./tenants.ts";
import { parseWholeNumber, TenantUsageError } from "./usage-error.ts";
import { runWrangler } from "./wrangler.ts";

/** D1 Time Travel reaches back 30 days (Workers Paid). */
export const TIME_TRAVEL_DAYS = 30;
const MAX_CONCURRENCY = 64;

export const parseConcurrency = (text: string | undefined) =>
  parseWholeNumber("concurrency", text, MAX_CONCURRENCY, DEFAULT_CONCURRENCY);

export async function runMigrate(context: { fleet: Fleet; values: ParsedValues; stateDir: string; io: Output }) {
  const { fleet, values, io } = context;
  const concurrency = parseConcurrency(values.concurrency);
  const cells = listCells(fleet);
  const where = values.remote ? "Cloudflare account" : "local";
  const total = cells.reduce((n, c) => n + c.tenants.length, 0);
  io.out(
    `${values.check ? "Checking" : "Migrating"} ${total} tenant database(s) in ${cells.length} cell(s) (${where}), ${concurrency} at a time...`,
  );
  const started = Date.now();
  const outcomes = await migrateFleet(cells, {
    remote: values.remote,
    stateDir: context.stateDir,
    projectRoot: path.resolve(path.dirname(fleet.templatePath)),
    concurrency,
    check: values.check,
    onOutcome: (o) => {
      if (o.state === "applied") io.out(`  migrated ${o.cell}/${o.database}: ${o.migrations.join(", ")}`);
      if (o.state === "behind") io.out(`  behind   ${o.cell}/${o.database}: ${o.migrations.join(", ")}`);
    },
  });
  for (const line of summarize(outcomes, values.check)) io.out(line);
  io.out(`(${((Date.now() - started) / 1000).toFixed(1)} s)`);
  return outcomes.some((o) => o.state === "failed") ? 1 : 0;
}

/** An RFC 3339 date-time with a zone, within Time Travel's reach and not in the future. */
export function parseRestoreTimestamp(text: string | undefined, now = new Date()): string {
  if (!text) throw new TenantUsageError("missing --timestamp (RFC 3339, e.g. 2026-12-01T09:30:00Z)");
  const rfc3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/i;
  const at = new Date(text);
  if (!rfc3339.test(text) || Number.isNaN(at.getTime()))
    throw new TenantUsageError(`invalid --timestamp "${text}": use RFC 3339 with a zone, e.g. 2026-12-01T09:30:00Z`);
  if (at.getTime() > now.getTime()) throw new TenantUsageError(`--timestamp "${text}" is in the future`);
  if (now.getTime() - at.getTime() > TIME_TRAVEL_DAYS * 86_400_000)
    throw new TenantUsageError(
      `--timestamp "${text}" is more than ${TIME_TRAVEL_DAYS} days ago: D1 keeps no history that old`,
    );
  return at.toISOString();
}

/**
 * `restore <slug> --timestamp T`: D1 Time Travel, which exists only on Cloudflare. The restore
 * replaces the database in place (D1 keeps a bookmark of the state before, printed by wrangler,
 * to undo it), so it asks for --yes; --dry-run prints the command and changes nothing.
 */
export async function runRestore(context: {
  fleet: Fleet;
  values: ParsedValues;
  slug: string | undefined;
  io: Output;
}) {
  const { fleet, values, slug, io } = context;
  assertValidSlug(slug);
  const cell = cellOfTenant(fleet, slug);
  if (!cell) throw new TenantUsageError(`unknown tenant "${slug}" (in no cell: see \`cell list\`)`);
  const timestamp = parseRestoreTimestamp(values.timestamp);
  const args = [
    "d1",
    "time-travel",
    "restore",
    databaseName(slug),
    "--timestamp",
    timestamp,
    "--config",
    cell.configPath,
  ];
  if (values["dry-run"]) {
    io.out(`Would restore ${databaseName(slug)} (cell "${cell.name}") to ${timestamp}:`);
    io.out(`  wrangler ${args.join(" ")}`);
    io.out(`Writes after ${timestamp} would be gone; wrangler prints a bookmark that undoes the restore.`);
    return 0;
  }
  if (!values.remote)
    throw new TenantUsageError(
      "restore acts on Cloudflare's Time Travel: add --remote --yes (or --dry-run to see the command)",
    );
  if (!values.yes)
    throw new TenantUsageError(
      `restoring "${slug}" replaces its database with its state at ${timestamp}; add --yes to confirm`,
    );
  const { stdout } = await runWrangler([...args, "--json"]);
  io.out(stdout.trim());
  io.out(
    `Database ${databaseName(slug)} restored to ${timestamp}. Entra's next cycle brings back later changes it still holds.`,
  );
  return 0;
}
