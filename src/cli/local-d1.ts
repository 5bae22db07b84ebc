/**
 * Local tenant databases opened in this process through Miniflare, the way `wrangler d1
 * execute --local` opens them (same package, same `<state>/v3` folder, same database ids), so
 * `wrangler dev` sees exactly what was written. One Miniflare for many databases: a fleet
 * migration of 1,000 local databases then costs one workerd start instead of 1,000 wrangler
 * processes (about 11 s each here).
 */
import path from "node:path";
import { convertV4MiniflareOptions, Miniflare } from "miniflare";
import type { WranglerTarget } from "./wrangler.ts";

/** The part of D1's API the CLI uses (the Worker's own types are not loaded under Node). */
export interface SqlStatement {
  bind(...values: unknown[]): SqlStatement;
  all<Row = Record<string, unknown>>(): Promise<{ results: Row[] }>;
  run(): Promise<unknown>;
}
export interface SqlDatabase {
  prepare(sql: string): SqlStatement;
  batch(statements: SqlStatement[]): Promise<unknown[]>;
}

/** wrangler's rule: `--persist-to` relative to the working directory, else `.wrangler/state` beside the config. */
export function localStateDir(target: WranglerTarget): string {
  const cwd = target.cwd ?? process.cwd();
  if (target.persistTo) return path.resolve(cwd, target.persistTo);
  return path.resolve(path.dirname(path.resolve(cwd, target.configPath)), ".wrangler/state");
}

/**
 * Opens the local databases with these ids (under one state folder) for the time of `use`.
 */
export async function withLocalDatabases<T>(
  stateDir: string,
  databaseIds: readonly string[],
  use: (open: (databaseId: string) => Promise<SqlDatabase>) => Promise<T>,
): Promise<T> {
  const bindings = Object.fromEntries(databaseIds.map((id, i) => [`DB${i}`, id]));
  const index = new Map(databaseIds.map((id, i) => [id, `DB${i}`]));
  const mf = new Miniflare(
    convertV4MiniflareOptions({
      modules: true,
      script: "",
      resourcePersistencePath: path.join(stateDir, "v3"),
      d1Databases: bindings,
    }),
  );
  try {
    return await use(async (id) => {
      const binding = index.get(id);
      if (!binding) throw new Error(`database ${id} was not opened`);
      return (await mf.getD1Database(binding)) as unknown as SqlDatabase;
    });
  } finally {
    await mf.dispose();
  }
}
