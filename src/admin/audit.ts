import { Hono } from "hono";
import { methodNotAllowed } from "../http/respond";
import { z } from "zod";
import type { AppBindings } from "../platform/env";
import { valid } from "./validate";

const query = z.object({
  resourceType: z.enum(["User", "Group", "Tenant"]).optional(),
  resourceId: z.string().max(200).optional(),
  action: z.string().max(40).optional(),
  from: z.iso.datetime().optional(),
  to: z.iso.datetime().optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  /** Cursor from the previous page: `<at>|<id>` of its last entry. */
  before: z.string().max(200).optional(),
});

export const auditRoutes = new Hono<AppBindings>();

/** P23: newest first, filtered by resource, action and time range, paged by cursor. */
auditRoutes.get("/", valid("query", query), async (c) => {
  const q = c.req.valid("query");
  const where: string[] = [];
  const params: unknown[] = [];
  const p = (v: unknown) => (params.push(v), `?${params.length}`);
  if (q.resourceType) where.push(`resource_type = ${p(q.resourceType)}`);
  if (q.resourceId) where.push(`resource_id = ${p(q.resourceId)}`);
  if (q.action) where.push(`action = ${p(q.action)}`);
  if (q.from) where.push(`at >= ${p(new Date(q.from).toISOString())}`);
  if (q.to) where.push(`at <= ${p(new Date(q.to).toISOString())}`);
  if (q.before) {
    const [at, id] = q.before.split("|");
    where.push(`(at < ${p(at)} OR (at = ${p(at)} AND id < ${p(id ?? "")}))`);
  }
  const { results } = await c.var.t.db
    .prepare(`SELECT * FROM audit_log WHERE ${where.join(" AND ") || "1"} ORDER BY at DESC, id DESC LIMIT ${p(q.limit)}`)
    .bind(...params)
    .all<{ id: string; at: string; actor: string; action: string; resource_type: string; resource_id: string | null; detail: string }>();
  const entries = results.map((r) => ({
    id: r.id,
    at: r.at,
    actor: r.actor,
    action: r.action,
    resourceType: r.resource_type,
    resourceId: r.resource_id,
    detail: JSON.parse(r.detail),
  }));
  const last = entries.at(-1);
  return c.json({ entries, next: entries.length === q.limit && last ? `${last.at}|${last.id}` : null });
});

auditRoutes.all("/", methodNotAllowed("GET"));
