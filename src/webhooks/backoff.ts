/** The events' retry policy (pure), driven by the cron: 30 s doubling, at most 6 h apart. */
export const FIRST_RETRY_MS = 30_000;
export const MAX_RETRY_MS = 6 * 3600_000;
/** An event still undelivered this long after it was committed is dead-lettered. */
export const DEAD_LETTER_AFTER_MS = 24 * 3600_000;
/** An endpoint failing (no success) for this long is disabled, with an audit entry. */
export const DISABLE_AFTER_MS = 3 * 24 * 3600_000;

/** The wait before attempt `attempts + 1`, after `attempts` failed ones (1, 2, …). `baseMs` shortens it in tests. */
export function retryDelayMs(attempts: number, baseMs = FIRST_RETRY_MS): number {
  const doubled = baseMs * 2 ** Math.max(0, Math.min(attempts - 1, 30));
  return Math.min(doubled, MAX_RETRY_MS);
}

/** After a failed attempt: when to try again, or null when the event is dead-lettered instead. */
export function nextAttemptAt(created: number, attempts: number, now: number, baseMs?: number): number | null {
  const next = now + retryDelayMs(attempts, baseMs);
  return next - created > DEAD_LETTER_AFTER_MS ? null : next;
}
