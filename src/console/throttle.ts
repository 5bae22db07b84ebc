/**
 * Slows repeated failed sign-ins: each failure from one client for one tenant waits longer
 * before its answer, and past a limit attempts are refused unchecked until the window ends.
 *
 * Kept in the isolate's memory on purpose: recording failures in D1 would write for a request
 * whose token is not known good (docs/design.md: only reads of fixed small cost before that). An
 * attacker spread over many isolates gets more tries, each still costing a 256-bit guess.
 */
export const FREE_FAILURES = 3;
export const MAX_FAILURES = 10;
const WINDOW_MS = 15 * 60_000;
const MAX_DELAY_MS = 2_000;
/** Bounds the map; the oldest entries go first. */
const MAX_CLIENTS = 10_000;

const failures = new Map<string, { count: number; first: number }>();

const keyOf = (tenant: string, client: string) => `${tenant}|${client}`;

function current(key: string, now: number) {
  const f = failures.get(key);
  if (f && now - f.first > WINDOW_MS) {
    failures.delete(key);
    return undefined;
  }
  return f;
}

/** Seconds until the client may try again, or 0 when it may now. */
export function lockedFor(tenant: string, client: string, now = Date.now()): number {
  const f = current(keyOf(tenant, client), now);
  return f && f.count >= MAX_FAILURES ? Math.ceil((f.first + WINDOW_MS - now) / 1000) : 0;
}

/** Records a failure; returns how long its answer waits (ms). */
export function recordFailure(tenant: string, client: string, now = Date.now()): number {
  const key = keyOf(tenant, client);
  const f = current(key, now) ?? { count: 0, first: now };
  f.count++;
  failures.delete(key);
  failures.set(key, f);
  if (failures.size > MAX_CLIENTS) failures.delete(failures.keys().next().value as string);
  return f.count <= FREE_FAILURES ? 0 : Math.min(MAX_DELAY_MS, 250 * 2 ** (f.count - FREE_FAILURES));
}

export const clearFailures = (tenant: string, client: string) => failures.delete(keyOf(tenant, client));
