/**
 * The token endpoint's guard against guessing (Workers Rate Limiting binding OAUTH_LIMIT, see
 * wrangler.toml: 10 requests per 60 s per key). Every token request counts, before any secret is
 * checked, per source address and per client: counting only failures would need a check that
 * does not count, which the binding lacks, and a limit checked after the secret would let a
 * guess that happens to be right through. Entra asks for a token about once an hour (plus a few
 * retries), far below the limit.
 */
export const RETRY_AFTER_SECONDS = 60;

/** True when the request may proceed. Without the binding (a config without it) nothing is limited. */
export async function withinLimit(limiter: RateLimit | undefined, key: string): Promise<boolean> {
  if (!limiter) return true;
  const { success } = await limiter.limit({ key });
  return success;
}
