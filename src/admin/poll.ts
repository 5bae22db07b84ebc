import { Hono } from "hono";
import { cappedBody, methodNotAllowed, renderPollError } from "../http/respond";
import { adminOrPollToken } from "../http/poll-credentials";
import { authorizeFirst, tenantGate } from "../http/tenant";
import type { AppBindings } from "../platform/env";
import { poll, pollRequest } from "../webhooks/poll";
import { ADMIN_STREAM } from "../webhooks/poll-tokens";
import { valid } from "./validate";

/**
 * RFC 8936 poll delivery: `POST /t/<tenant>/events/poll` with the admin token or an
 * endpoint's poll token. A receiver that was down replays from its last acknowledged event
 * (kept `eventRetentionDays`). Errors in RFC 8935's `{"err", "description"}`.
 */
export const pollRoutes = new Hono<AppBindings>();

// The body is read only after the token is known good, and never past the body limit.
pollRoutes.use("*", tenantGate("admin", "/events", renderPollError, adminOrPollToken), authorizeFirst, cappedBody());

pollRoutes.post("/poll", valid("json", pollRequest, renderPollError), async (c) => {
  const urls = c.var.services.urls;
  return c.json(
    await poll(
      c.var.t.db,
      c.var.services.sealer(),
      c.req.valid("json"),
      urls.poll(),
      urls.scim(),
      c.var.pollStream ?? ADMIN_STREAM,
    ),
  );
});
pollRoutes.all("/poll", methodNotAllowed("POST"));
