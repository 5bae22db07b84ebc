/**
 * The token endpoint's guard (Workers Rate Limiting binding OAUTH_LIMIT, see wrangler.toml: 10
 * per 60 s per key). Two keys per tenant: the source address, counted on every request before
 * anything else runs, and the client, counted only on its failures (so an outsider failing with
 * a client's id never locks the real client out). Guessing is hopeless anyway (secrets are 256
 * random bits, assertions are signed); what the limit bounds is the work and the audit rows an
 * outsider can cause. Entra asks for a token about once an hour, plus a few retries.
 */
export const RETRY_AFTER_SECONDS = 60;

/** True when the request may proceed. Without the binding (a config without it) nothing is limited. */
export async function withinLimit(limiter: RateLimit | undefined, key: string): Promise<boolean> {
  if (!limiter) return true;
  const { success } = await limiter.limit({ key });
  return success;
}
