import type { Env } from "../platform/env";
import { TooManyRequests } from "./respond";
import type { ScimRateCeiling } from "../settings/settings";
import type { TenantContext } from "../tenants/context";

/**
 * The per-tenant ceiling on SCIM requests with a good token (P3: Entra retries, so a 429 is
 * safe to give; but never to Entra at its own pace). A bad token never reaches this: it is
 * counted by auth-failures.ts instead.
 *
 * The Workers Rate Limiting binding counts per key within a fixed window whose length (10 or 60
 * s) and limit are set per binding in wrangler.toml, not per call. So the ceiling a tenant
 * chooses (settings `scimRateLimit`, requests per second) picks one of five bindings,
 * SCIM_RATE_50 ... SCIM_RATE_1000, each counting `<ceiling × 10>` requests per 10 s window, keyed
 * by the tenant's slug: a tenant's count is its own, whichever isolate or location serves it
 * (counts are per Cloudflare location and approximate, as the binding documents). A 10 s window
 * lets a burst of up to ten seconds' worth through and then refuses for at most 10 s.
 */
export const SCIM_RATE_WINDOW_SECONDS = 10;

const bindingFor = (env: Env, ceiling: ScimRateCeiling): RateLimit | undefined => env[`SCIM_RATE_${ceiling}`];

/**
 * Throws TooManyRequests once the tenant's ceiling is reached. A limiter missing from the config
 * or failing limits nothing: a good token is never refused because the counter is away.
 */
export async function checkScimRate(env: Env, t: TenantContext): Promise<void> {
  const limiter = bindingFor(env, t.settings.scimRateLimit);
  if (!limiter) return;
  let success: boolean;
  try {
    ({ success } = await limiter.limit({ key: `t:${t.slug}` }));
  } catch (e) {
    console.warn(JSON.stringify({ msg: "SCIM rate limiter unavailable", error: String(e) }));
    return;
  }
  // Retry-After is the window's length: the most a refusal can have to wait.
  if (!success) {
    throw new TooManyRequests(
      SCIM_RATE_WINDOW_SECONDS,
      `Too many requests for this tenant: its ceiling of ${t.settings.scimRateLimit} per second is reached; retry after ${SCIM_RATE_WINDOW_SECONDS} seconds.`,
    );
  }
}
