/** A mistake in what was asked (bad slug, unknown tenant, full cell, ...): nothing was changed. */
export class TenantUsageError extends Error {
  override name = "TenantUsageError";
}

/** A `--flag` holding a whole number from 1 to `max`, or `fallback` when it is absent. */
export function parseWholeNumber(flag: string, text: string | undefined, max: number, fallback: number): number {
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!/^\d+$/.test(text) || n < 1 || n > max)
    throw new TenantUsageError(`invalid --${flag} "${text}": a whole number from 1 to ${max}`);
  return n;
}
