/**
 * The time the OAuth code reads (access token and client secret expiry, JWT exp/nbf). Tests move
 * it forward instead of sleeping, through the `PUT /test/clock` route of the test Worker entry
 * (test/worker-entry/); the deployed Worker has no such route, and no request header moves it.
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
