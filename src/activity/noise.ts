import type { NoiseCount } from "../platform/queue";

/**
 * Unauthenticated requests are counted, never recorded one by one: an outsider controls how
 * many there are, so each costs a Map increment in this isolate and nothing else. The counts
 * of a tenant leave at most once per FLUSH_INTERVAL_MS (one Queue message), or earlier with the
 * tenant's next authenticated request. Counts still in an isolate when it is evicted are lost:
 * they are an indicator ("Entra is using a revoked token"), not a record.
 */
export const NOISE_FLUSH_INTERVAL_MS = 60_000;

interface Pending {
  byReason: Map<string, number>;
  lastFlush: number;
}

// Keys are slugs of tenants this Worker serves (unknown tenants end in 404 before counting).
const pending = new Map<string, Pending>();

/** Counts one refused request; returns the tenant's counts when they are due to be sent. */
export function countUnauthenticated(slug: string, reason: string, now = Date.now()): NoiseCount[] | undefined {
  // A tenant's first refusal in an isolate is sent at once (a wrong token shows up right away).
  const p = pending.get(slug) ?? { byReason: new Map(), lastFlush: 0 };
  p.byReason.set(reason, (p.byReason.get(reason) ?? 0) + 1);
  pending.set(slug, p);
  return now - p.lastFlush >= NOISE_FLUSH_INTERVAL_MS ? takeNoise(slug, now) : undefined;
}

/** The tenant's counts so far, for the next message of that tenant. */
export function takeNoise(slug: string, now = Date.now()): NoiseCount[] | undefined {
  const p = pending.get(slug);
  if (!p || p.byReason.size === 0) return undefined;
  const id = crypto.randomUUID();
  const at = new Date(now).toISOString();
  const counts = [...p.byReason].map(([reason, count]) => ({ id: `${id}:${reason}`, at, reason, count }));
  pending.set(slug, { byReason: new Map(), lastFlush: now });
  return counts;
}
