import { Hono } from "hono";
import { methodNotAllowed } from "../http/respond";
import type { AppBindings } from "../platform/env";
import { auditQuery, listAudit } from "./services/audit";
import { valid } from "./validate";

export const auditRoutes = new Hono<AppBindings>();

/** P23: newest first, filtered by resource, action and time range, paged by cursor. */
auditRoutes.get("/", valid("query", auditQuery), async (c) =>
  c.json(await listAudit(c.var.t.db, c.req.valid("query"))),
);

auditRoutes.all("/", methodNotAllowed("GET"));
