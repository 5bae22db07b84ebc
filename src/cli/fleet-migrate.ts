/**
 * `migrate`: pending migrations on every tenant database of every cell, several at a time. A
 * database that fails is reported and skipped, never a reason to stop the others; each
 * migration is one D1 batch with its `d1_migrations` row (all or nothing), so running `migrate`
 * again finishes exactly what is left. Rolling migrations are safe because every migration only
 * expands the schema (docs/storage.md "Rolling migrations").
 */
import type { Cell } from "./cells.ts";
import type { TenantBinding } from "./config-file.ts";
import { withLocalDatabases, type SqlDatabase } from "./local-d1.ts";
import {
  CREATE_MIGRATIONS_TABLE,
  MIGRATIONS_TABLE,
  pendingMigrations,
  projectMigrationsDir,
  readMigrations,
  type Migration,
} from "./migration-files.ts";
import { runWrangler } from "./wrangler.ts";

export const DEFAULT_CONCURRENCY = 8;

export interface FleetDatabase {
  cell: Cell;
  tenant: TenantBinding;
}

export type MigrationState = "applied" | "current" | "behind" | "failed";

export interface MigrationOutcome {
  cell: string;
  database: string;
  state: MigrationState;
  /** Applied now (state applied), or pending (state behind, and failed: what is left). */
  migrations: string[];
  reason?: string;
}

export interface FleetMigrateOptions {
  remote: boolean;
  /** Local state folder (local runs). */
  stateDir: string;
  projectRoot: string;
  concurrency: number;
  /** List what is behind, change nothing. */
  check: boolean;
  onOutcome?: (outcome: MigrationOutcome) => void;
}

/** Runs `work` over `items`, at most `limit` at a time, keeping the input order in the result. */
export async function inPool<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await work(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

function reasonOf(error: unknown): string {
  const e = error as { cause?: { message?: string }; message?: string };
  return (e.cause?.message ?? e.message ?? String(error)).split("\n")[0].slice(0, 300);
}

async function appliedNames(db: SqlDatabase, create: boolean): Promise<string[]> {
  if (create) await db.prepare(CREATE_MIGRATIONS_TABLE).run();
  else {
    const { results } = await db
      .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name = ?")
      .bind(MIGRATIONS_TABLE)
      .all();
    if (results.length === 0) return [];
  }
  const { results } = await db.prepare(`SELECT name FROM ${MIGRATIONS_TABLE} ORDER BY id`).all<{ name: string }>();
  return results.map((r) => r.name);
}

export interface DatabaseProgress {
  /** Names pending when the run started. */
  pending: string[];
  /** Names applied by this run so far. */
  applied: string[];
}

/**
 * Applies what is pending to one database, one batch per migration, recording its progress in
 * `progress` as it goes (so a failure can say what is left).
 */
export async function migrateDatabase(
  db: SqlDatabase,
  all: readonly Migration[],
  check: boolean,
  progress: DatabaseProgress = { pending: [], applied: [] },
): Promise<DatabaseProgress> {
  const pending = pendingMigrations(all, await appliedNames(db, !check));
  progress.pending = pending.map((m) => m.name);
  if (check) return progress;
  for (const migration of pending) {
    await db.batch([
      ...migration.statements.map((sql) => db.prepare(sql)),
      db.prepare(`INSERT INTO ${MIGRATIONS_TABLE} (name) VALUES (?)`).bind(migration.name),
    ]);
    progress.applied.push(migration.name);
  }
  return progress;
}

async function migrateLocal(
  databases: readonly FleetDatabase[],
  options: FleetMigrateOptions,
): Promise<MigrationOutcome[]> {
  const all = readMigrations(projectMigrationsDir());
  return withLocalDatabases(
    options.stateDir,
    databases.map((d) => d.tenant.databaseId),
    (open) =>
      inPool(databases, options.concurrency, async ({ cell, tenant }) => {
        const base = { cell: cell.name, database: tenant.databaseName };
        const progress: DatabaseProgress = { pending: [], applied: [] };
        try {
          const { pending, applied } = await migrateDatabase(
            await open(tenant.databaseId),
            all,
            options.check,
            progress,
          );
          const state: MigrationState = pending.length === 0 ? "current" : options.check ? "behind" : "applied";
          return report(options, { ...base, state, migrations: options.check ? pending : applied });
        } catch (error) {
          const left = progress.pending.filter((name) => !progress.applied.includes(name));
          return report(options, { ...base, state: "failed", migrations: left, reason: reasonOf(error) });
        }
      }),
  );
}

function report(options: FleetMigrateOptions, outcome: MigrationOutcome): MigrationOutcome {
  options.onOutcome?.(outcome);
  return outcome;
}

/** `wrangler d1 migrations apply|list` prints this when there is nothing to do. */
const NOTHING_PENDING = /No migrations to apply/i;

async function migrateRemote(
  databases: readonly FleetDatabase[],
  options: FleetMigrateOptions,
): Promise<MigrationOutcome[]> {
  return inPool(databases, options.concurrency, async ({ cell, tenant }) => {
    const base = { cell: cell.name, database: tenant.databaseName };
    const verb = options.check ? "list" : "apply";
    try {
      const { stdout } = await runWrangler(
        ["d1", "migrations", verb, tenant.databaseName, "--remote", "--config", cell.configPath],
        options.projectRoot,
      );
      const names = [...stdout.matchAll(/\b(\d{4}_[\w-]+\.sql)\b/g)].map((m) => m[1]);
      const unique = [...new Set(names)];
      if (NOTHING_PENDING.test(stdout)) return report(options, { ...base, state: "current", migrations: [] });
      return report(options, { ...base, state: options.check ? "behind" : "applied", migrations: unique });
    } catch (error) {
      return report(options, { ...base, state: "failed", migrations: [], reason: reasonOf(error) });
    }
  });
}

/** Every tenant database of these cells, migrated (or checked) with the given concurrency. */
export function migrateFleet(cells: readonly Cell[], options: FleetMigrateOptions): Promise<MigrationOutcome[]> {
  const databases = cells.flatMap((cell) => cell.tenants.map((tenant) => ({ cell, tenant })));
  return options.remote ? migrateRemote(databases, options) : migrateLocal(databases, options);
}

/** The summary `migrate` prints last: counts, then every failure with its reason. */
export function summarize(outcomes: readonly MigrationOutcome[], check: boolean): string[] {
  const count = (state: MigrationState) => outcomes.filter((o) => o.state === state).length;
  const lines = [
    check
      ? `${outcomes.length} database(s): ${count("behind")} behind, ${count("current")} current, ${count("failed")} could not be read.`
      : `${outcomes.length} database(s): ${count("applied")} migrated, ${count("current")} already current, ${count("failed")} failed.`,
  ];
  for (const o of outcomes.filter((x) => x.state === "failed"))
    lines.push(
      `  failed  ${o.cell}/${o.database}: ${o.reason}${o.migrations.length ? ` (left: ${o.migrations.join(", ")})` : ""}`,
    );
  if (count("failed") > 0) lines.push(`Fix the cause and run \`migrate\` again: it finishes only what is left.`);
  return lines;
}
