export const MINUTES_A_DAY = 1_440;

/**
 * The minute of the day (UTC) of a tenant's pruning turn: a hash of its slug (FNV-1a), so the
 * cell's tenants spread evenly over the day, about 3 a minute at 4,000, and a tenant keeps its
 * turn across deploys and cells.
 */
export function pruneSlotOf(tenant: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < tenant.length; i++) {
    h ^= tenant.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h % MINUTES_A_DAY;
}

/** The start of the tenant's pruning turn nearest to `at` (within 12 hours either side). */
export function turnNear(tenant: string, at: number): number {
  const day = MINUTES_A_DAY * 60_000;
  const turn = Math.floor(at / day) * day + pruneSlotOf(tenant) * 60_000;
  return turn - at > day / 2 ? turn - day : at - turn > day / 2 ? turn + day : turn;
}
