import { Hono } from "hono";
import { z } from "zod";
import type { AppBindings } from "../platform/env";
import { methodNotAllowed } from "../http/respond";
import { adminError } from "./errors";
import { activityQuery, cycles, findActivity, getActivity } from "./services/activity";
import { tenantHealth } from "./services/overview";
import { valid } from "./validate";

const DAY_MS = 86_400_000;
const isoTime = z.iso.datetime().transform((s) => new Date(s).toISOString());

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

activityRoutes.get("/activity", valid("query", activityQuery), async (c) =>
  c.json(await findActivity(c.var.t.db, c.req.valid("query"))),
);

activityRoutes.get("/activity/:id", async (c) => {
  const entry = await getActivity(c.var.t.db, c.req.param("id").slice(0, 100));
  if (!entry) throw adminError(404, "No activity record with this id.");
  return c.json(entry);
});

activityRoutes.get("/health", async (c) => c.json(await tenantHealth(c.var.t.db, c.var.t.slug)));

activityRoutes.get("/cycles", valid("query", cyclesQuery), async (c) => {
  const q = c.req.valid("query");
  const to = q.to ?? new Date().toISOString();
  const from = q.from ?? new Date(Date.parse(to) - 7 * DAY_MS).toISOString();
  return c.json({
    cycles: await cycles(c.var.t.db, { from, to, gapMinutes: q.gapMinutes, limit: q.limit }),
    gapMinutes: q.gapMinutes,
  });
});

activityRoutes.all("/activity", methodNotAllowed("GET"));
activityRoutes.all("/activity/:id", methodNotAllowed("GET"));
activityRoutes.all("/health", methodNotAllowed("GET"));
activityRoutes.all("/cycles", methodNotAllowed("GET"));
