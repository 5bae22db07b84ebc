import { z } from "zod";
import { getActivity, listActivity } from "../../activity/list";
import { ACTIVITY_OPS } from "../../platform/queue";
export type { ActivityEntry } from "../../activity/list";
import { instant } from "./audit";

const text = (max: number) => z.string().min(1).max(max);

/** The closed filters, once: the schema below and the console's options derive from these. */
export const ACTIVITY_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"] as const;
export const ACTIVITY_RESOURCES = ["User", "Group"] as const;

/** The filters of `GET /admin/api/activity` and of the console's Activity page (one schema, one code path). */
export const activityQuery = z
  .object({
    status: z.enum(["ok", "failed", "2xx", "4xx", "5xx"]).optional(),
    method: z.enum(ACTIVITY_METHODS).optional(),
    resource: z.enum(ACTIVITY_RESOURCES).optional(),
    op: z.enum(ACTIVITY_OPS).optional(),
    userName: text(256).optional(),
    externalId: text(256).optional(),
    displayName: text(256).optional(),
    id: text(200).optional(),
    scimType: text(40).optional(),
    reason: text(40).optional(),
    from: instant.optional(),
    to: instant.optional(),
    /** The timeline of one user or group (by id): lookups, writes and failures that concerned it. */
    user: text(200).optional(),
    group: text(200).optional(),
    limit: z.coerce.number().int().min(1).max(200).default(50),
    before: z
      .string()
      .regex(/^[0-9T:.Z-]{10,30}\|[0-9a-f-]{1,40}$/, "a cursor from `next`")
      .optional(),
  })
  .strict();
export type ActivityQuery = z.infer<typeof activityQuery>;
export type ActivityDetail = NonNullable<Awaited<ReturnType<typeof getActivity>>>;

/** Newest first; `user` / `group` widen to the requests that named it by userName, externalId or displayName. */
export async function findActivity(db: D1Database, query: ActivityQuery) {
  const { user, group, ...q } = query;
  const [u, g] = await Promise.all([
    user
      ? db
          .prepare("SELECT user_name AS userName, external_id AS externalId FROM users WHERE id = ?1")
          .bind(user)
          .first<{ userName: string; externalId: string | null }>()
      : null,
    group
      ? db
          .prepare("SELECT display_name AS displayName, external_id AS externalId FROM groups WHERE id = ?1")
          .bind(group)
          .first<{ displayName: string; externalId: string | null }>()
      : null,
  ]);
  // A user or group no longer here still has its past requests, found by id.
  return listActivity(db, {
    ...q,
    ...(user ? { user: { id: user, userName: u?.userName ?? null, externalId: u?.externalId ?? null } } : {}),
    ...(group ? { group: { id: group, displayName: g?.displayName ?? null, externalId: g?.externalId ?? null } } : {}),
  });
}

export { getActivity };

/** Entra's provisioning cycles (activity/views.ts). */
export { cycles } from "../../activity/views";

/** What each failure reason means and how to fix it, for the console. */
export { reasonInfo } from "../../activity/reasons";
