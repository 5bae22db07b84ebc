import { bearerToken, verifyBearer } from "../tenants/auth";
import { POLL_TOKEN_PATTERN } from "../tenants/tokens";
import { type PollStream, verifyPollToken } from "../webhooks/poll-tokens";
import type { Credentials } from "./tenant";

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
export const adminOrPollToken: Credentials = async (c, slug, db, prefetch) => {
  const header = c.req.header("Authorization");
  const token = bearerToken(header);
  if (token && POLL_TOKEN_PATTERN.test(token)) {
    const { auth, stream } = await verifyPollToken(token, slug, db, prefetch);
    c.set("pollStream", stream);
    return auth;
  }
  return verifyBearer(header, slug, "admin", c.env.TOKENS, db, prefetch);
};
