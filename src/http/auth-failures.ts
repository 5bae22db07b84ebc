import type { Env } from "../platform/env";

/**
 * Slows down what is not a good token: every refused credential, and every request
 * for a tenant this Worker does not serve (which answers like one, see tenant.ts), counts once
 * against the client's address and once against the tenant slug, on the Workers Rate Limiting
 * bindings of wrangler.toml. Beyond either limit the refusal is 429 with Retry-After instead of
 * 401. A good token never calls a limiter, so it is never counted nor limited: Entra treats a
 * 429 as a failure and may quarantine the job (P1), whatever its pace.
 *
 * The numbers live in wrangler.toml ([[ratelimits]], `simple`); this period is the longest wait
 * they can impose (the binding does not say when its window ends, so Retry-After is this upper
 * bound). Counts are per Cloudflare location and approximate, as the binding documents.
 */
export const FAILURE_PERIOD_SECONDS = 60;

/** Whether this failure is over a limit; a limiter that fails counts as "not limited" (401, never 500). */
export async function countFailure(env: Env, headers: Headers, slug: string): Promise<boolean> {
  const address = headers.get("CF-Connecting-IP");
  const checks: Promise<boolean>[] = [limited(env.AUTH_FAILURES_BY_TENANT, `t:${slug.slice(0, 64)}`)];
  // Cloudflare always sets CF-Connecting-IP (and `wrangler dev` does too); only requests that
  // reach the Worker without it, e.g. from another Worker in tests, have no address to count.
  if (address) checks.push(limited(env.AUTH_FAILURES_BY_ADDRESS, `a:${addressKey(address)}`));
  return (await Promise.all(checks)).some(Boolean);
}

async function limited(limiter: RateLimit | undefined, key: string): Promise<boolean> {
  if (!limiter) return false;
  try {
    return !(await limiter.limit({ key })).success;
  } catch (e) {
    console.warn(JSON.stringify({ msg: "rate limiter unavailable", error: String(e) }));
    return false;
  }
}

/**
 * The unit one client controls: an IPv4 address, or the /64 of an IPv6 address (one subscriber
 * usually holds a whole /64, so counting single IPv6 addresses would limit nothing).
 */
export function addressKey(ip: string): string {
  const text = ip.trim().toLowerCase();
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/.exec(text);
  if (mapped) return mapped[1];
  if (!text.includes(":")) return text.slice(0, 45);
  const halves = text.split("::");
  if (halves.length > 2) return text.slice(0, 45);
  const left = halves[0] ? halves[0].split(":") : [];
  const right = halves.length === 2 && halves[1] ? halves[1].split(":") : [];
  const zeros = halves.length === 2 ? Array(Math.max(0, 8 - left.length - right.length)).fill("0") : [];
  const groups = [...left, ...zeros, ...right];
  const prefix = groups.slice(0, 4).map((g) => (/^[0-9a-f]{1,4}$/.test(g) ? parseInt(g, 16).toString(16) : null));
  if (prefix.length < 4 || prefix.includes(null)) return text.slice(0, 45);
  return `${prefix.join(":")}::/64`;
}
