import { RecentRows } from "../db/recent-rows";
import type { TenantContext } from "../tenants/context";
import type { UserRow } from "./row";

/**
 * Users this isolate read or wrote lately. A write to a user is computed from this copy
 * and sent in ONE batch with the token check, applied only if the row is still at this copy's
 * version and creation time: every write to a user moves its version (users/repo.ts,
 * groups/changes.ts) and ids are never reused, so (id, created, version) names one stored state.
 * Entra reads a user (a lookup or a GET) before it changes it, so the copy is usually there.
 * Documents over 8 KB are not kept: 1,000 copies stay within a few MB.
 */
const recent = new RecentRows<UserRow>(1000, (r) => r.doc.length, 8192);

export const rememberUser = (t: TenantContext, row: UserRow) => recent.remember(t.slug, row);
export const recentUser = (t: TenantContext, id: string) => recent.get(t.slug, id);
export const forgetUser = (t: TenantContext, id: string) => recent.forget(t.slug, id);
