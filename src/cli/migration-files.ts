/**
 * The migrations folder as wrangler reads it: every `*.sql` file in name order, recorded by name
 * in the database's `d1_migrations` table once applied. drizzle-kit separates statements with
 * `--> statement-breakpoint`, so a trigger body's own semicolons never split a statement.
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { MIGRATIONS_DIR } from "./names.ts";

/** wrangler's table and its shape (`wrangler d1 migrations apply` creates the same). */
export const MIGRATIONS_TABLE = "d1_migrations";
export const CREATE_MIGRATIONS_TABLE = `CREATE TABLE IF NOT EXISTS ${MIGRATIONS_TABLE}(
		id         INTEGER PRIMARY KEY AUTOINCREMENT,
		name       TEXT UNIQUE,
		applied_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP NOT NULL
);`;

export interface Migration {
  name: string;
  statements: string[];
}

export function splitStatements(sql: string): string[] {
  return sql
    .split("--> statement-breakpoint")
    .map((s) => s.trim())
    .filter((s) => s.replace(/^\s*--.*$/gm, "").trim().length > 0);
}

export function readMigrations(dir: string): Migration[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith(".sql"))
    .sort()
    .map((name) => ({ name, statements: splitStatements(readFileSync(path.join(dir, name), "utf8")) }));
}

/** The project's own migrations folder, wherever the command runs from. */
export function projectMigrationsDir(): string {
  return path.resolve(import.meta.dirname, "../..", MIGRATIONS_DIR);
}

/** The migrations not yet recorded, in order. */
export function pendingMigrations(all: readonly Migration[], applied: readonly string[]): Migration[] {
  const done = new Set(applied);
  return all.filter((m) => !done.has(m.name));
}
