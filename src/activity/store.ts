import type { ActivityRecord, EventMessage, NoiseCount } from "../platform/queue";

/**
 * D1 caps a string or row at 2 MB (developers.cloudflare.com/d1/platform/limits); records go in
 * as one JSON parameter per statement, split well below that.
 */
const MAX_PARAM_CHARS = 1_000_000;

const COLUMNS = [
  ["id", "id"],
  ["at", "at"],
  ["method", "method"],
  ["path", "path"],
  ["query", "query"],
  ["status", "status"],
  ["scim_type", "scimType"],
  ["detail", "detail"],
  ["reason", "reason"],
  ["duration_ms", "durationMs"],
  ["op", "op"],
  ["resource_type", "resourceType"],
  ["resource_id", "resourceId"],
  ["user_name", "userName"],
  ["external_id", "externalId"],
  ["display_name", "displayName"],
  ["token_id", "tokenId"],
  ["changes", "changes"],
  ["request", "request"],
  ["request_bytes", "requestBytes"],
] as const;

const INSERT_ACTIVITY = `INSERT OR IGNORE INTO activity (${COLUMNS.map(([c]) => c).join(", ")})
  SELECT ${COLUMNS.map(([, k]) => `json_extract(value, '$.${k}')`).join(", ")} FROM json_each(?1)`;

/**
 * The consumer's statements for the records and counts of a batch's messages: a few INSERTs
 * whatever the number of requests. Keyed by record id (and flush id), so a redelivered message
 * writes nothing twice.
 */
export function activityStatements(db: D1Database, messages: EventMessage[]): D1PreparedStatement[] {
  const records = messages.flatMap((m) => m.activity ?? []);
  const noise = messages.flatMap((m) => m.noise ?? []);
  const out = chunks(records.map(asRow)).map((json) => db.prepare(INSERT_ACTIVITY).bind(json));
  if (noise.length) {
    out.push(
      db
        .prepare(
          `INSERT OR IGNORE INTO activity_noise (id, at, reason, count)
           SELECT json_extract(value, '$.id'), json_extract(value, '$.at'), json_extract(value, '$.reason'), json_extract(value, '$.count')
           FROM json_each(?1)`,
        )
        .bind(JSON.stringify(noise satisfies NoiseCount[])),
    );
  }
  return out;
}

/** `changes` is stored as JSON text, the rest as they are. */
const asRow = (r: ActivityRecord) => ({ ...r, changes: r.changes ? JSON.stringify(r.changes) : null });

function chunks(rows: object[]): string[] {
  const out: string[] = [];
  let cur: string[] = [];
  let size = 0;
  for (const row of rows) {
    const s = JSON.stringify(row);
    if (cur.length && size + s.length > MAX_PARAM_CHARS) {
      out.push(`[${cur.join(",")}]`);
      cur = [];
      size = 0;
    }
    cur.push(s);
    size += s.length + 1;
  }
  if (cur.length) out.push(`[${cur.join(",")}]`);
  return out;
}
