import { Hono } from "hono";
import { cappedBody, methodNotAllowed, renderPollError } from "../http/respond";
import { publicBase } from "../http/public-url";
import { authorizeFirst, type Credentials, tenantGate } from "../http/tenant";
import type { AppBindings } from "../platform/env";
import { bearerToken, verifyBearer } from "../tenants/auth";
import { POLL_TOKEN_PATTERN } from "../tenants/tokens";
import { poll, pollRequest } from "../webhooks/poll";
import { ADMIN_STREAM, type PollStream, verifyPollToken } from "../webhooks/poll-tokens";
import { valid } from "./validate";

declare module "hono" {
  interface ContextVariableMap {
    /** Set by an endpoint's poll token: the one stream it may read. */
    pollStream: PollStream | undefined;
  }
}

/**
 * The admin token (every event, the `admin` stream) or an endpoint's poll token (that endpoint's
 * events, its own stream). Every refusal is the gate's one 401, whichever token failed.
 */
const adminOrPollToken: Credentials = async (c, slug, db, prefetch) => {
  const header = c.req.header("Authorization");
  const token = bearerToken(header);
  if (token && POLL_TOKEN_PATTERN.test(token)) {
    const { auth, stream } = await verifyPollToken(token, slug, db, prefetch);
    c.set("pollStream", stream);
    return auth;
  }
  return verifyBearer(header, slug, "admin", c.env.TOKENS, db, prefetch);
};

/**
 * Issue 19, RFC 8936 poll delivery: `POST /t/<tenant>/events/poll` with the admin token or an
 * endpoint's poll token. A receiver that was down replays from its last acknowledged event
 * (kept `eventRetentionDays`). Errors in RFC 8935's `{"err", "description"}`.
 */
export const pollRoutes = new Hono<AppBindings>();

// The body is read only after the token is known good, and never past the body limit.
pollRoutes.use("*", tenantGate("admin", "/events", renderPollError, adminOrPollToken), authorizeFirst, cappedBody());

pollRoutes.post("/poll", valid("json", pollRequest, renderPollError), async (c) => {
  const base = publicBase(c.env, c.req.url);
  const slug = c.var.t.slug;
  return c.json(
    await poll(
      c.var.t.db,
      c.req.valid("json"),
      `${base}/t/${slug}/events/poll`,
      `${base}/t/${slug}/scim/v2`,
      c.var.pollStream ?? ADMIN_STREAM,
    ),
  );
});
pollRoutes.all("/poll", methodNotAllowed("POST"));
