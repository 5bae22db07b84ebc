import type { SqlWhere } from "../db/where";

/** An `audit_log` row as read (see src/db/schema/). */
export interface AuditRow {
  id: string;
  at: string;
  actor: string;
  action: string;
  resource_type: string;
  resource_id: string | null;
  detail: string;
}

const AUDIT_COLUMNS = "id, at, actor, action, resource_type, resource_id, detail";

/** P23: newest first; the (at, id) order is the cursor's order. */
export async function readAuditLog(db: D1Database, where: SqlWhere, limit: number): Promise<AuditRow[]> {
  const n = where.params.length;
  const { results } = await db
    .prepare(`SELECT ${AUDIT_COLUMNS} FROM audit_log WHERE ${where.sql} ORDER BY at DESC, id DESC LIMIT ?${n + 1}`)
    .bind(...where.params, limit)
    .all<AuditRow>();
  return results;
}

/** The newest entry by `actor`, refused or not: the console's "last SCIM change" and "last failure". */
export const latestAuditStatement = (db: D1Database, actor: string, refused: boolean) =>
  db
    .prepare(
      `SELECT ${AUDIT_COLUMNS} FROM audit_log WHERE actor = ?1 AND ${refused ? "action = 'refused'" : "action <> 'refused'"}
       ORDER BY at DESC LIMIT 1`,
    )
    .bind(actor);
