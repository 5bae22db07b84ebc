import { Hono } from "hono";
import { z } from "zod";
import { getActivity, listActivity } from "../activity/list";
import { cycles, health } from "../activity/views";
import type { AppBindings } from "../platform/env";
import { methodNotAllowed } from "../http/respond";
import { adminError } from "./errors";
import { valid } from "./validate";

const DAY_MS = 86_400_000;
const text = (max: number) => z.string().min(1).max(max);
const isoTime = z.iso.datetime().transform((s) => new Date(s).toISOString());

const listQuery = z
  .object({
    status: z.enum(["ok", "failed", "2xx", "4xx", "5xx"]).optional(),
    method: z.enum(["GET", "POST", "PUT", "PATCH", "DELETE"]).optional(),
    resource: z.enum(["User", "Group"]).optional(),
    op: z.enum(["read", "create", "update", "delete", "other"]).optional(),
    userName: text(256).optional(),
    externalId: text(256).optional(),
    displayName: text(256).optional(),
    id: text(200).optional(),
    scimType: text(40).optional(),
    reason: text(40).optional(),
    from: isoTime.optional(),
    to: isoTime.optional(),
    /** The timeline of one user or group (by id): lookups, writes and failures that concerned it. */
    user: text(200).optional(),
    group: text(200).optional(),
    limit: z.coerce.number().int().min(1).max(200).default(50),
    before: z.string().regex(/^[0-9T:.Z-]{10,30}\|[0-9a-f-]{1,40}$/, "a cursor from `next`").optional(),
  })
  .strict();

const cyclesQuery = z
  .object({
    from: isoTime.optional(),
    to: isoTime.optional(),
    /** A request this long after the previous one starts a new cycle; Entra's cycles are ~40 minutes apart. */
    gapMinutes: z.coerce.number().min(1).max(1440).default(10),
    limit: z.coerce.number().int().min(1).max(100).default(20),
  })
  .strict();

/** The provisioning activity of the tenant's SCIM clients (src/activity/). */
export const activityRoutes = new Hono<AppBindings>();

activityRoutes.get("/activity", valid("query", listQuery), async (c) => {
  const { user, group, ...q } = c.req.valid("query");
  const db = c.var.t.db;
  const [u, g] = await Promise.all([
    user ? db.prepare("SELECT user_name AS userName, external_id AS externalId FROM users WHERE id = ?1").bind(user).first<{ userName: string; externalId: string | null }>() : null,
    group ? db.prepare("SELECT display_name AS displayName, external_id AS externalId FROM groups WHERE id = ?1").bind(group).first<{ displayName: string; externalId: string | null }>() : null,
  ]);
  // A user or group no longer here still has its past requests, found by id.
  return c.json(
    await listActivity(db, {
      ...q,
      ...(user ? { user: { id: user, userName: u?.userName ?? null, externalId: u?.externalId ?? null } } : {}),
      ...(group ? { group: { id: group, displayName: g?.displayName ?? null, externalId: g?.externalId ?? null } } : {}),
    }),
  );
});

activityRoutes.get("/activity/:id", async (c) => {
  const entry = await getActivity(c.var.t.db, c.req.param("id").slice(0, 100));
  if (!entry) throw adminError(404, "No activity record with this id.");
  return c.json(entry);
});

activityRoutes.get("/health", async (c) => c.json(await health(c.var.t.db)));

activityRoutes.get("/cycles", valid("query", cyclesQuery), async (c) => {
  const q = c.req.valid("query");
  const to = q.to ?? new Date().toISOString();
  const from = q.from ?? new Date(Date.parse(to) - 7 * DAY_MS).toISOString();
  return c.json({ cycles: await cycles(c.var.t.db, { from, to, gapMinutes: q.gapMinutes, limit: q.limit }), gapMinutes: q.gapMinutes });
});

activityRoutes.all("/activity", methodNotAllowed("GET"));
activityRoutes.all("/activity/:id", methodNotAllowed("GET"));
activityRoutes.all("/health", methodNotAllowed("GET"));
activityRoutes.all("/cycles", methodNotAllowed("GET"));
