import { z } from "zod";
import { Where } from "../../db/where";
import { readAuditLog } from "../../events/audit-log";
import { RESOURCE_TYPES } from "../../events/types";

/** The closed lists the console's audit filter offers. */
export { AUDIT_ACTIONS, RESOURCE_TYPES } from "../../events/types";

/** An ISO date-time, or what a `datetime-local` field sends (minutes, no zone: read as UTC). */
export const instant = z
  .union([z.iso.datetime(), z.iso.datetime({ local: true })])
  .transform((v) => new Date(/Z|[+-]\d\d:\d\d$/.test(v) ? v : `${v}Z`).toISOString());

export const auditQuery = z.object({
  resourceType: z.enum(RESOURCE_TYPES).optional(),
  resourceId: z.string().max(200).optional(),
  action: z.string().max(40).optional(),
  from: instant.optional(),
  to: instant.optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  /** Cursor from the previous page: `<at>|<id>` of its last entry. */
  before: z.string().max(200).optional(),
});
export type AuditQuery = z.infer<typeof auditQuery>;

export interface AuditEntry {
  id: string;
  at: string;
  actor: string;
  action: string;
  resourceType: string;
  resourceId: string | null;
  detail: Record<string, unknown>;
}

/**
 * A re-enabled user recorded before the "enable" action existed: an "update" of a User whose
 * `changed` names `active` and whose `active` is now true. Such entries read, and filter, as "enable".
 */
const OLD_ENABLE = `(action = 'update' AND resource_type = 'User' AND json_extract(detail, '$.active') = 1
  AND EXISTS (SELECT 1 FROM json_each(detail, '$.changed') WHERE value = 'active'))`;

export function auditActionOf(e: Pick<AuditEntry, "action" | "resourceType" | "detail">): string {
  const changed = e.detail.changed;
  return e.action === "update" &&
    e.resourceType === "User" &&
    e.detail.active === true &&
    Array.isArray(changed) &&
    changed.includes("active")
    ? "enable"
    : e.action;
}

/** P23: newest first, filtered by resource, action and time range, paged by cursor. */
export async function listAudit(
  db: D1Database,
  q: AuditQuery,
): Promise<{ entries: AuditEntry[]; next: string | null }> {
  const [at, id] = (q.before ?? "").split("|");
  const where = new Where()
    .and(q.resourceType, (p) => `resource_type = ${p(q.resourceType)}`)
    .and(q.resourceId, (p) => `resource_id = ${p(q.resourceId)}`)
    .and(q.action, (p) => (q.action === "enable" ? `(action = 'enable' OR ${OLD_ENABLE})` : `action = ${p(q.action)}`))
    .and(q.from, (p) => `at >= ${p(q.from)}`)
    .and(q.to, (p) => `at <= ${p(q.to)}`)
    .and(q.before, (p) => {
      const a = p(at);
      return `at < ${a} OR (at = ${a} AND id < ${p(id ?? "")})`;
    });
  const rows = await readAuditLog(db, where, q.limit);
  const entries = rows.map((r) => {
    const detail = JSON.parse(r.detail) as Record<string, unknown>;
    return {
      id: r.id,
      at: r.at,
      actor: r.actor,
      action: auditActionOf({ action: r.action, resourceType: r.resource_type, detail }),
      resourceType: r.resource_type,
      resourceId: r.resource_id,
      detail,
    };
  });
  const last = entries.at(-1);
  return { entries, next: entries.length === q.limit && last ? `${last.at}|${last.id}` : null };
}

/** The most an export holds; the filters narrow a larger log. */
export const AUDIT_EXPORT_MAX = 10_000;
const EXPORT_PAGE = 500;

/** Every entry the filters select (newest first), read a page at a time. */
export async function exportAudit(db: D1Database, q: AuditQuery): Promise<AuditEntry[]> {
  const out: AuditEntry[] = [];
  let before = q.before;
  while (out.length < AUDIT_EXPORT_MAX) {
    const page = await listAudit(db, { ...q, before, limit: Math.min(EXPORT_PAGE, AUDIT_EXPORT_MAX - out.length) });
    out.push(...page.entries);
    if (!page.next) break;
    before = page.next;
  }
  return out;
}

const CSV_COLUMNS = ["at", "actor", "action", "resourceType", "resourceId", "detail"] as const;

/** RFC 4180: fields quoted, quotes doubled; a leading = + - @ is neutralised (CSV injection). */
function csvField(v: unknown): string {
  let s = v === null || v === undefined ? "" : typeof v === "string" ? v : JSON.stringify(v);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return `"${s.replace(/"/g, '""')}"`;
}

export const auditCsv = (entries: AuditEntry[]) =>
  [CSV_COLUMNS.join(","), ...entries.map((e) => CSV_COLUMNS.map((c) => csvField(e[c])).join(","))].join("\r\n") +
  "\r\n";
