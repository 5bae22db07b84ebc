import type { SqlPage } from "../scim/page";
import type { ScimDoc } from "../scim/normalize";
import { type UserRow, type UserSource, userColumns } from "./row";

const USER_COLUMNS =
  "u.id, u.user_name, u.external_id, u.display_name, u.active, u.source, u.doc, u.version, u.created, u.last_modified, u.managed_apple_id, u.ldap_attributes";

export const findUserStatement = (db: D1Database, id: string) =>
  db.prepare(`SELECT ${USER_COLUMNS} FROM users u WHERE u.id = ?1`).bind(id);

export async function findUser(db: D1Database, id: string): Promise<UserRow | null> {
  return findUserStatement(db, id).first<UserRow>();
}

export const findUserByNameStatement = (db: D1Database, userName: string) =>
  db.prepare(`SELECT ${USER_COLUMNS} FROM users u WHERE u.user_name = ?1 COLLATE NOCASE`).bind(userName);

export const findUserByName = (db: D1Database, userName: string): Promise<UserRow | null> =>
  findUserByNameStatement(db, userName).first<UserRow>();

/**
 * Count and page in ONE statement: the count rides as a scalar subquery on every row of the
 * page (the filter's numbered parameters serve both). A page with no rows carries no count; at
 * startIndex 1 with count > 0 that means none match, Entra's usual answer to a lookup before a
 * create.
 */
export function listUsersStatement(db: D1Database, page: SqlPage): D1PreparedStatement {
  const { sql, params } = page.where;
  const after = page.after ?? { sql: "", params: [] };
  const n = params.length + after.params.length;
  return db
    .prepare(
      `SELECT (SELECT count(*) FROM users u WHERE ${sql}) AS total, ${USER_COLUMNS}
       FROM users u WHERE ${after.sql ? `(${sql}) AND ${after.sql}` : sql} ORDER BY ${page.orderBy} LIMIT ?${n + 1} OFFSET ?${n + 2}`,
    )
    .bind(...params, ...after.params, page.limit, page.offset);
}

/** Rows and total; only a page past the end or of size 0 costs a second read. */
export async function listUsersResult(
  db: D1Database,
  page: SqlPage,
  result: D1Result,
): Promise<{ total: number; rows: UserRow[] }> {
  const rows = result.results as (UserRow & { total: number })[];
  if (rows.length > 0) return { total: rows[0].total, rows };
  if (page.offset === 0 && page.limit > 0 && !page.after) return { total: 0, rows: [] };
  const count = await db
    .prepare(`SELECT count(*) AS n FROM users u WHERE ${page.where.sql}`)
    .bind(...page.where.params)
    .first<{ n: number }>();
  return { total: count?.n ?? 0, rows: [] };
}

export interface UserWriteRow {
  id: string;
  doc: ScimDoc;
  source: UserSource;
  managedAppleId: string | null;
  now: string;
}

/** ?1-?8 of both the insert and the update: the id, the filtered columns, the document, the time. */
function sharedBinds(row: UserWriteRow) {
  const c = userColumns(row.doc);
  return [
    row.id,
    c.user_name,
    c.external_id,
    c.display_name,
    c.active,
    row.source,
    JSON.stringify(row.doc),
    row.now,
  ] as const;
}

/**
 * `ifNameFree`: inserts nothing when the userName is taken, instead of failing the
 * batch, so a create learns in the same round trip who holds the name (P11) by a SELECT before
 * it; RETURNING tells whether the row went in.
 */
export function insertUserStatement(
  db: D1Database,
  row: UserWriteRow & { ldapAttributes?: string | null },
  opts: { ifNameFree?: boolean } = {},
) {
  const values = "?1, ?2, ?3, ?4, ?5, ?6, ?7, 1, ?8, ?8, ?9, ?10";
  return db
    .prepare(
      `INSERT INTO users (id, user_name, external_id, display_name, active, source, doc, version, created, last_modified, managed_apple_id, ldap_attributes)
       ${opts.ifNameFree ? `SELECT ${values} WHERE NOT EXISTS (SELECT 1 FROM users WHERE user_name = ?2) RETURNING id` : `VALUES (${values})`}`,
    )
    .bind(...sharedBinds(row), row.managedAppleId, row.ldapAttributes ?? null);
}

/**
 * Optimistic concurrency: the update applies only if the row is still at the version the
 * change was computed from; otherwise the caller re-reads and re-applies (no lost update).
 * RETURNING tells the two apart: `meta.changes` also counts the rows the email triggers touch.
 */
export function updateUserStatement(db: D1Database, row: UserWriteRow & { version: number; created: string }) {
  return db
    .prepare(
      `UPDATE users SET user_name = ?2, external_id = ?3, display_name = ?4, active = ?5, source = ?6, doc = ?7,
         version = version + 1, last_modified = ?8, managed_apple_id = ?10
       WHERE id = ?1 AND version = ?9 AND created = ?11 RETURNING version`,
    )
    .bind(...sharedBinds(row), row.version, row.managedAppleId, row.created);
}

/** P9: the row goes; its `user_emails` rows go with it (trigger of migration 0001). */
export const deleteUserStatement = (db: D1Database, id: string) =>
  db.prepare("DELETE FROM users WHERE id = ?1").bind(id);

/** A user's delete-mode tombstone, written in the batch that deletes the row, only if it is still at `version`. */
export const tombstoneStatement = (db: D1Database, id: string, version: number, now: string) =>
  db
    .prepare(
      `INSERT INTO user_tombstones (id, user_name, external_id, display_name, source, doc, created, deleted)
       SELECT id, user_name, external_id, display_name, source, doc, created, ?3 FROM users WHERE id = ?1 AND version = ?2`,
    )
    .bind(id, version, now);

export const deleteUserAtVersionStatement = (db: D1Database, id: string, version: number) =>
  db.prepare("DELETE FROM users WHERE id = ?1 AND version = ?2").bind(id, version);

export const findTombstoneStatement = (db: D1Database, id: string) =>
  db
    .prepare(
      "SELECT id, user_name, external_id, display_name, source, doc, created, deleted FROM user_tombstones WHERE id = ?1",
    )
    .bind(id);

/** Users counted by source and status, for the console's overview. */
export const countUsersStatement = (db: D1Database) =>
  db.prepare("SELECT source, active, count(*) AS n FROM users GROUP BY source, active");
