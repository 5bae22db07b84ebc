import { currentReason, reasonInfo, storedReasons } from "./reasons";
import type { ActivityRecord } from "../platform/queue";

export interface ActivityFilters {
  status?: "ok" | "failed" | "2xx" | "4xx" | "5xx";
  method?: string;
  resource?: "User" | "Group";
  op?: string;
  userName?: string;
  externalId?: string;
  displayName?: string;
  id?: string;
  scimType?: string;
  reason?: string;
  from?: string;
  to?: string;
  /** Timelines: every request that concerned this user or group, by id, userName, externalId or displayName. */
  user?: { id: string; userName: string | null; externalId: string | null };
  group?: { id: string; displayName: string | null; externalId: string | null };
  limit: number;
  /** `<at>|<id>` of the previous page's last entry. */
  before?: string;
}

/**
 * Failure filters repeat `status >= 400` literally: SQLite uses the partial index
 * `activity_failures` only when the query names its condition.
 */
const STATUS: Record<NonNullable<ActivityFilters["status"]>, string> = {
  ok: "status < 400",
  failed: "status >= 400",
  "2xx": "status >= 200 AND status < 300",
  "4xx": "status >= 400 AND status < 500",
  "5xx": "status >= 400 AND status >= 500",
};

type Row = Record<string, unknown> & {
  id: string;
  at: string;
  changes: string | null;
  request?: string | null;
  reason: string | null;
};

const LIST_COLUMNS = `id, at, method, path, query, status, scim_type AS scimType, detail, reason, duration_ms AS durationMs, op,
  resource_type AS resourceType, resource_id AS resourceId, user_name AS userName, external_id AS externalId,
  display_name AS displayName, token_id AS tokenId, changes, request_bytes AS requestBytes`;

/** Newest first, filtered over indexed columns, paged by cursor. */
export async function listActivity(db: D1Database, f: ActivityFilters) {
  const { sql, params } = listQuery(f);
  const { results } = await db
    .prepare(sql)
    .bind(...params)
    .all<Row>();
  const entries = results.map(entryOf);
  const last = entries.at(-1);
  return { entries, next: entries.length === f.limit && last ? `${last.at}|${last.id}` : null };
}

export function listQuery(f: ActivityFilters): { sql: string; params: unknown[] } {
  const where: string[] = [];
  const params: unknown[] = [];
  const p = (v: unknown) => (params.push(v), `?${params.length}`);
  if (f.status) where.push(STATUS[f.status]);
  if (f.method) where.push(`method = ${p(f.method)}`);
  if (f.resource) where.push(`resource_type = ${p(f.resource)}`);
  if (f.op) where.push(`op = ${p(f.op)}`);
  if (f.userName) where.push(`user_name = ${p(f.userName)}`);
  if (f.externalId) where.push(`external_id = ${p(f.externalId)}`);
  if (f.displayName) where.push(`display_name = ${p(f.displayName)}`);
  if (f.id) where.push(`resource_id = ${p(f.id)}`);
  if (f.scimType) where.push(`scim_type = ${p(f.scimType)}`);
  if (f.reason) where.push(`reason IN (${storedReasons(f.reason).map(p).join(", ")})`);
  if (f.from) where.push(`at >= ${p(f.from)}`);
  if (f.to) where.push(`at <= ${p(f.to)}`);
  if (f.user)
    where.push(
      concerning(
        "User",
        f.user.id,
        [
          ["user_name", f.user.userName],
          ["external_id", f.user.externalId],
        ],
        p,
      ),
    );
  if (f.group)
    where.push(
      concerning(
        "Group",
        f.group.id,
        [
          ["display_name", f.group.displayName],
          ["external_id", f.group.externalId],
        ],
        p,
      ),
    );
  if (f.before) {
    const [at, id] = f.before.split("|");
    where.push(`(at < ${p(at)} OR (at = ${p(at)} AND id < ${p(id ?? "")}))`);
  }
  const sql = `SELECT ${LIST_COLUMNS} FROM activity WHERE ${where.join(" AND ") || "1"} ORDER BY at DESC, id DESC LIMIT ${p(f.limit)}`;
  return { sql, params };
}

/** Each branch of the union is served by its own index (resource_id, user_name, display_name, external_id). */
function concerning(type: string, id: string, keys: [string, string | null][], p: (v: unknown) => string): string {
  const branches = [`SELECT id FROM activity WHERE resource_id = ${p(id)}`];
  for (const [col, v] of keys) if (v) branches.push(`SELECT id FROM activity WHERE ${col} = ${p(v)}`);
  return `resource_type = ${p(type)} AND id IN (${branches.join(" UNION ")})`;
}

export async function getActivity(db: D1Database, id: string) {
  const row = await db.prepare(`SELECT ${LIST_COLUMNS}, request FROM activity WHERE id = ?1`).bind(id).first<Row>();
  if (!row) return null;
  const entry = entryOf(row);
  return {
    ...entry,
    request: row.request ? (JSON.parse(row.request) as unknown) : null,
    ...(entry.reason ? { fix: reasonInfo(entry.reason)?.fix } : {}),
  };
}

/** One record as the list shows it: everything but the request body. */
export type ActivityEntry = Omit<ActivityRecord, "request">;

const entryOf = ({ changes, request: _request, ...rest }: Row) =>
  ({
    ...rest,
    reason: rest.reason ? currentReason(rest.reason) : null,
    changes: changes ? JSON.parse(changes) : null,
  }) as ActivityEntry;
