/**
 * The time the OAuth code reads (access token and client secret expiry, JWT exp/nbf). Tests move
 * it forward instead of sleeping; only the TEST_CLOCK-gated route in app.ts can, and that route
 * exists only where the operator set the variable (test configs), never from a request header.
 * The offset is per isolate, which is what `wrangler dev` and the vitest pool run.
 */
let offsetMs = 0;

export const clock = {
  now: (): number => Date.now() + offsetMs,
  iso: (): string => new Date(Date.now() + offsetMs).toISOString(),
};

/** Test clock only: shifts `clock` by `ms` from the real time (0 restores it). */
export function setClockOffset(ms: number): void {
  offsetMs = ms;
}
