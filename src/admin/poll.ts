import { Hono } from "hono";
import { cappedBody, methodNotAllowed, renderAdminError } from "../http/respond";
import { authorizeFirst, tenantGate } from "../http/tenant";
import type { AppBindings } from "../platform/env";
import { poll, pollRequest } from "../webhooks/poll";
import { valid } from "./validate";

/**
 * Issue 19, RFC 8936 poll delivery: `POST /t/<tenant>/events/poll` with the admin token. A
 * receiver that was down replays from its last acknowledged event (kept `eventRetentionDays`).
 */
export const pollRoutes = new Hono<AppBindings>();

// The body is read only after the token is known good, and never past the body limit.
pollRoutes.use("*", tenantGate("admin", "/events", renderAdminError), authorizeFirst, cappedBody());

pollRoutes.post("/poll", valid("json", pollRequest), async (c) => {
  const urls = c.var.services.urls;
  return c.json(await poll(c.var.t.db, c.req.valid("json"), urls.poll(), urls.scim()));
});
pollRoutes.all("/poll", methodNotAllowed("POST"));
