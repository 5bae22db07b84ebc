/**
 * Bulk seeding of users straight into a tenant's local D1 (`wrangler d1 execute --file`), for the
 * scale figures: 100,000 users through HTTP would take about half an hour here.
 *
 * Rows are what the Worker writes for the same POST body (src/users/repo.ts insertUserStatement:
 * indexed columns from src/users/row.ts userColumns, source 'scim', version 1, created =
 * last_modified, no managed Apple ID with the default setting). The AFTER INSERT trigger of
 * drizzle/0001 fills user_emails, as for an HTTP create. The bench checks the result: a seeded
 * user and an HTTP-created one render alike (run.ts, "seed check").
 */
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { type BenchState, executeSqlFile } from "./server.ts";
import { storedUserDoc } from "./shapes.ts";

/** Rows per INSERT: ~600 bytes each keeps every statement well under D1's 100 KB. */
const ROWS_PER_STATEMENT = 100;
/** Rows per file (one `wrangler d1 execute` each). */
const ROWS_PER_FILE = 50_000;

export interface SeededUser {
  id: string;
  key: string;
  index: number;
}

const sqlText = (s: string | null) => (s === null ? "NULL" : `'${s.replaceAll("'", "''")}'`);

function userValues(u: SeededUser, created: string): string {
  const doc = storedUserDoc(u.key, u.index);
  const str = (v: unknown) => (typeof v === "string" && v !== "" ? v : null);
  return `(${[
    sqlText(u.id),
    sqlText(String(doc.userName)),
    sqlText(str(doc.externalId)),
    sqlText(str(doc.displayName)),
    doc.active === false ? "0" : "1",
    "'scim'",
    sqlText(JSON.stringify(doc)),
    "1",
    sqlText(created),
    sqlText(created),
    "NULL",
    "NULL",
  ].join(", ")})`;
}

/** Users `<prefix><i>` for i in [from, to), with fresh ids (returned, in order). */
export function makeUsers(prefix: string, from: number, to: number): SeededUser[] {
  const out: SeededUser[] = [];
  for (let i = from; i < to; i++) out.push({ id: randomUUID(), key: `${prefix}${i}`, index: i });
  return out;
}

/** Inserts the users into the tenant's database; returns the seconds it took. */
export async function seedUsers(
  state: BenchState,
  slug: string,
  users: SeededUser[],
  log: (s: string) => void,
): Promise<number> {
  const started = performance.now();
  const dir = mkdtempSync(path.join(tmpdir(), "scim-bench-seed-"));
  try {
    const base = Date.now() - users.length - 60_000;
    for (let f = 0; f < users.length; f += ROWS_PER_FILE) {
      const chunk = users.slice(f, f + ROWS_PER_FILE);
      const statements: string[] = [];
      for (let s = 0; s < chunk.length; s += ROWS_PER_STATEMENT) {
        const rows = chunk
          .slice(s, s + ROWS_PER_STATEMENT)
          .map((u, k) => userValues(u, new Date(base + f + s + k).toISOString()));
        statements.push(
          `INSERT INTO users (id, user_name, external_id, display_name, active, source, doc, version, created, last_modified, managed_apple_id, ldap_attributes) VALUES\n${rows.join(",\n")};`,
        );
      }
      const file = path.join(dir, `users-${f}.sql`);
      writeFileSync(file, statements.join("\n") + "\n");
      await executeSqlFile(state, slug, file);
      log(
        `  seeded ${Math.min(f + ROWS_PER_FILE, users.length).toLocaleString("en-US")} / ${users.length.toLocaleString("en-US")} users into ${slug}`,
      );
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return (performance.now() - started) / 1000;
}
