/**
 * Rows an isolate read or wrote lately, by tenant and id, for writes that are computed
 * from them and applied only at their version (users/service.ts, groups/one-trip.ts). A copy that
 * is stale or missing costs the classic read first; it never decides an answer by itself.
 */
export class RecentRows<R extends { id: string }> {
  private readonly rows = new Map<string, R>();

  /** `size(row)` above `maxSize` is not kept, so `limit` copies stay within a few MB. */
  constructor(
    private readonly limit: number,
    private readonly size: (row: R) => number,
    private readonly maxSize: number,
  ) {}

  remember(tenant: string, row: R): void {
    const k = `${tenant}\u0000${row.id}`;
    this.rows.delete(k);
    if (this.size(row) > this.maxSize) return;
    if (this.rows.size >= this.limit) this.rows.delete(this.rows.keys().next().value as string);
    this.rows.set(k, row);
  }

  forget(tenant: string, id: string): void {
    this.rows.delete(`${tenant}\u0000${id}`);
  }

  get(tenant: string, id: string): R | undefined {
    return this.rows.get(`${tenant}\u0000${id}`);
  }
}
