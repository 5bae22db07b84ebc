import type { TenantContext } from "../tenants/context";
import type { UserRow } from "./row";

/**
 * Issue 18: users this isolate read or wrote lately, by tenant and id. A write to a user is
 * computed from this copy and sent in ONE batch with the token check, applied only if the row is
 * still at this copy's version (and creation time): every write to a user moves its version
 * (users/repo.ts, groups/changes.ts), ids are never reused, so (id, created, version) names one
 * stored state. A copy that is stale, or missing, costs the classic read first; it never decides
 * an answer by itself. Entra reads a user (a lookup or a GET) before it changes it, so the
 * copy is usually there.
 */
const LIMIT = 1000;
/** Larger documents are not kept: 1,000 copies stay within a few MB of the isolate's memory. */
const MAX_DOC_CHARS = 8192;
const rows = new Map<string, UserRow>();

const key = (t: TenantContext, id: string) => `${t.slug}\u0000${id}`;

export function rememberUser(t: TenantContext, row: UserRow): void {
  const k = key(t, row.id);
  rows.delete(k);
  if (row.doc.length > MAX_DOC_CHARS) return;
  if (rows.size >= LIMIT) rows.delete(rows.keys().next().value as string);
  rows.set(k, row);
}

export const recentUser = (t: TenantContext, id: string): UserRow | undefined => rows.get(key(t, id));
