import type { SqlPage } from "../scim/page";
import type { ScimDoc } from "../scim/normalize";
import { type GroupRow, type GroupSource, type MemberRow, groupColumns } from "./row";

const GROUP_COLUMNS = "g.id, g.display_name, g.external_id, g.source, g.doc, g.version, g.created, g.last_modified";

export const findGroupStatement = (db: D1Database, id: string) => db.prepare(`SELECT ${GROUP_COLUMNS} FROM groups g WHERE g.id = ?1`).bind(id);

export async function findGroup(db: D1Database, id: string): Promise<GroupRow | null> {
  return findGroupStatement(db, id).first<GroupRow>();
}

export async function listGroups(db: D1Database, page: SqlPage): Promise<{ total: number; rows: GroupRow[] }> {
  const { sql, params } = page.where;
  const after = page.after ?? { sql: "", params: [] };
  const n = params.length + after.params.length;
  const [count, rows] = await db.batch([
    db.prepare(`SELECT count(*) AS n FROM groups g WHERE ${sql}`).bind(...params),
    db
      .prepare(
        `SELECT ${GROUP_COLUMNS} FROM groups g WHERE ${after.sql ? `(${sql}) AND ${after.sql}` : sql}
         ORDER BY ${page.orderBy} LIMIT ?${n + 1} OFFSET ?${n + 2}`,
      )
      .bind(...params, ...after.params, page.limit, page.offset),
  ]);
  return { total: (count.results[0] as { n: number }).n, rows: rows.results as GroupRow[] };
}

/**
 * Members of several groups in one statement; the id list goes as ONE JSON parameter read with
 * json_each, because D1 allows at most 100 bound parameters (DESIGN.md, Storage).
 */
export async function membersOf(db: D1Database, groupIds: string[]): Promise<MemberRow[]> {
  if (groupIds.length === 0) return [];
  const { results } = await db
    .prepare(
      `SELECT m.group_id, m.member_id AS value, coalesce(u.display_name, u.user_name) AS display
       FROM group_members m LEFT JOIN users u ON u.id = m.member_id
       WHERE m.group_id IN (SELECT value FROM json_each(?1))
       ORDER BY m.group_id, m.member_id`,
    )
    .bind(JSON.stringify(groupIds))
    .all<MemberRow>();
  return results;
}

export function insertGroupStatement(db: D1Database, g: { id: string; doc: ScimDoc; now: string }, source: GroupSource = "scim") {
  const c = groupColumns(g.doc);
  return db
    .prepare(
      `INSERT INTO groups (id, display_name, external_id, source, doc, version, created, last_modified)
       VALUES (?1, ?2, ?3, ?6, ?4, 1, ?5, ?5)`,
    )
    .bind(g.id, c.display_name, c.external_id, JSON.stringify(g.doc), g.now, source);
}

export function updateGroupStatement(db: D1Database, g: { id: string; doc: ScimDoc; now: string }) {
  const c = groupColumns(g.doc);
  return db
    .prepare(
      `UPDATE groups SET display_name = ?2, external_id = ?3, doc = ?4, version = version + 1, last_modified = ?5 WHERE id = ?1`,
    )
    .bind(g.id, c.display_name, c.external_id, JSON.stringify(g.doc), g.now);
}

export const addMembersStatement = (db: D1Database, groupId: string, ids: string[]) =>
  db
    .prepare("INSERT OR IGNORE INTO group_members (group_id, member_id) SELECT ?1, value FROM json_each(?2)")
    .bind(groupId, JSON.stringify(ids));

export const removeMembersStatement = (db: D1Database, groupId: string, ids: string[]) =>
  db
    .prepare("DELETE FROM group_members WHERE group_id = ?1 AND member_id IN (SELECT value FROM json_each(?2))")
    .bind(groupId, JSON.stringify(ids));

/** Removes every member not in `keep` (PUT or `replace members`). */
export const keepOnlyMembersStatement = (db: D1Database, groupId: string, keep: string[]) =>
  db
    .prepare("DELETE FROM group_members WHERE group_id = ?1 AND member_id NOT IN (SELECT value FROM json_each(?2))")
    .bind(groupId, JSON.stringify(keep));
