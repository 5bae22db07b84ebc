import { RecentRows } from "../db/recent-rows";
import type { GroupRow } from "./row";

/**
 * Groups this isolate created, read or changed lately (without members: those are
 * never copied). Sent with a change to the group's Durable Object as a starting point when the
 * object has none of its own (it was evicted); the object applies the change only if the group
 * is still at this copy's version (groups/one-trip.ts).
 */
export const recentGroups = new RecentRows<GroupRow>(1000, (r) => r.doc.length, 8192);

/** The later of two copies of one group (same id and creation), or whichever exists. */
export function newer(a: GroupRow | undefined, b: GroupRow | undefined): GroupRow | undefined {
  if (!a || !b) return a ?? b;
  if (a.id !== b.id || a.created !== b.created) return a;
  return b.version > a.version ? b : a;
}
