import { z } from "zod";
import { USER_SOURCES } from "../../db/enums";
import { commit } from "../../events/commit";
import { type MailRow, mailOfUserStatement } from "../../events/mail-log";
import { audit } from "../../events/types";
import { groupsOfMember } from "../../groups/repo";
import type { GroupSequencer } from "../../groups/sequencer";
import { openCursor, queryFingerprint, signCursor } from "../../scim/cursor";
import type { SqlPage } from "../../scim/page";
import { CUSTOM_SCHEMA } from "../../scim/schema/custom";
import { ENTERPRISE_SCHEMA } from "../../scim/schema/user";
import type { TenantContext } from "../../tenants/context";
import { tenantCursorKey } from "../../tenants/cursor-key";
import { primaryEmail } from "../../users/managed-apple-id";
import {
  deleteUserStatement,
  findTombstoneStatement,
  findUser,
  findUserByName,
  listUsersResult,
  listUsersStatement,
} from "../../users/repo";
import type { UserRow } from "../../users/row";
import { USER_SORT_COLUMNS, userSearchPage } from "../../users/search";
import { adminError } from "../errors";

/** P4: the admin's user list query, shared by the JSON API and the console. */
export const userListQuery = z.object({
  q: z.string().trim().max(256).optional(),
  userName: z.string().max(256).optional(),
  email: z.string().max(256).optional(),
  source: z.enum(USER_SOURCES).optional(),
  status: z.enum(["active", "suspended"]).optional(),
  sort: z.enum(Object.keys(USER_SORT_COLUMNS) as [keyof typeof USER_SORT_COLUMNS]).default("userName"),
  order: z.enum(["asc", "desc"]).default("asc"),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  offset: z.coerce.number().int().min(0).default(0),
  /** The same signed cursors as SCIM (RFC 9865): empty for the first page, then each page's `next`. */
  cursor: z.string().max(2048).optional(),
});
export type UserListQuery = z.infer<typeof userListQuery>;

export type UserSummary = ReturnType<typeof userSummary>;

export const userSummary = (r: UserRow) => ({
  id: r.id,
  userName: r.user_name,
  displayName: r.display_name,
  email: primaryEmail(JSON.parse(r.doc)) ?? null,
  source: r.source,
  status: r.active ? ("active" as "active" | "suspended" | "deleted") : ("suspended" as const),
  managedAppleId: r.managed_apple_id,
  created: r.created,
  lastModified: r.last_modified,
});

export async function listUsers(db: D1Database, q: UserListQuery): Promise<{ total: number; users: UserSummary[] }> {
  const page = userSearchPage(q);
  const { total, rows } = await listUsersResult(db, page, await listUsersStatement(db, page).all());
  return { total, users: rows.map(userSummary) };
}

/**
 * The list by cursor, with the same signed cursors as SCIM (RFC 9865), bound to the tenant and to
 * the list's filters: a keyset seek after the previous page's last user, so a deep page costs
 * what the first costs and nothing is skipped or repeated while users come and go. userName
 * order only: the one sort key that is unique and never NULL.
 */
export async function listUsersByCursor(t: TenantContext, q: UserListQuery & { cursor: string }) {
  if (q.sort !== "userName") throw adminError(400, "Cursor pages are sorted by userName; use offset for other orders.");
  const { cursor, limit, offset: _offset, ...filters } = q;
  const sortOrder = q.order === "desc" ? "descending" : "ascending";
  const filter = `admin user list ${JSON.stringify(filters)}`;
  const scope = {
    tenant: t.slug,
    resource: "User" as const,
    query: await queryFingerprint({ filter, sortBy: "userName", sortOrder }),
  };
  const key = await tenantCursorKey(t);
  const pos = cursor ? await openCursor(key, cursor, scope) : undefined;
  const base = userSearchPage({ ...q, offset: 0, limit: limit + 1 });
  const k = base.where.params.length;
  const cmp = q.order === "desc" ? "<" : ">";
  const page: SqlPage = pos
    ? { ...base, after: { sql: `(u.user_name, u.id) ${cmp} (?${k + 1}, ?${k + 2})`, params: [pos.key, pos.id] } }
    : base;
  const { total, rows } = await listUsersResult(t.db, page, await listUsersStatement(t.db, page).all());
  const shown = rows.slice(0, limit);
  const last = shown.at(-1);
  const next =
    rows.length > limit && last ? await signCursor(key, scope, { key: last.user_name, id: last.id }) : undefined;
  return { total, users: shown.map(userSummary), ...(next ? { next } : {}) };
}

/** One user with every attribute: core, enterprise (P17), custom (P18), LDAP (P25), groups. */
export async function userProfile(db: D1Database, id: string) {
  const row = (await findUser(db, id)) ?? (await tombstoneRow(db, id));
  if (!row) throw adminError(404, `No user ${id}.`);
  const summary = userSummary(row);
  if ("deleted" in row) summary.status = "deleted";
  const { [ENTERPRISE_SCHEMA]: enterprise, [CUSTOM_SCHEMA]: custom, ...core } = JSON.parse(row.doc);
  const groups = await groupsOfMember(db, row.id);
  return {
    ...summary,
    attributes: core as Record<string, unknown>,
    enterprise: (enterprise ?? {}) as Record<string, unknown>,
    custom: (custom ?? {}) as Record<string, unknown>,
    ldap: (row.ldap_attributes ? JSON.parse(row.ldap_attributes) : {}) as Record<string, unknown>,
    groups: groups.map((g) => ({ id: g.id, displayName: g.display_name, source: g.source })),
  };
}
export type UserProfile = Awaited<ReturnType<typeof userProfile>>;

/**
 * A user a SCIM DELETE removed in the tenant's `delete` mode, read as the row it was: the
 * profile shows it as deleted, last modified when it was deleted, in no group.
 */
async function tombstoneRow(db: D1Database, id: string): Promise<(UserRow & { deleted: string }) | null> {
  const t = await findTombstoneStatement(db, id).first<{
    id: string;
    user_name: string;
    external_id: string | null;
    display_name: string | null;
    source: UserRow["source"];
    doc: string;
    created: string;
    deleted: string;
  }>();
  if (!t) return null;
  return {
    ...t,
    active: 0,
    version: 0,
    last_modified: t.deleted,
    managed_apple_id: null,
    ldap_attributes: null,
  } as UserRow & { deleted: string };
}

/** How often the hard delete looks again for memberships a change in flight may have written. */
const MEMBERSHIP_SWEEPS = 3;

/**
 * P9: the only way a user is removed for good. The row goes first, so no later membership
 * change can add the user (P14 requires a user); then each group loses it through its own
 * Durable Object (docs/storage.md: memberships change only there). A change already running
 * when the row went may still have written the membership, so the groups are read again after
 * each sweep until none is left.
 */
export async function hardDeleteUser(t: TenantContext, groups: GroupSequencer, id: string): Promise<void> {
  const row = await findUser(t.db, id);
  if (!row) throw adminError(404, `No user ${id}.`);
  let memberOf = await groupsOfMember(t.db, row.id);
  const event = audit("admin", "hard-delete", "User", row.id, {
    userName: row.user_name,
    ...(row.external_id ? { externalId: row.external_id } : {}),
    source: row.source,
    groups: memberOf.length,
  });
  const [deleted] = await commit(t, [deleteUserStatement(t.db, row.id)], [event], { ifLastChanged: true });
  if (deleted.meta.changes === 0) throw adminError(404, `No user ${id}.`);
  for (let sweep = 0; sweep < MEMBERSHIP_SWEEPS && memberOf.length > 0; sweep++) {
    for (const g of memberOf) await groups.change(g.id, { kind: "remove-user", userId: row.id });
    memberOf = await groupsOfMember(t.db, row.id);
  }
}

/** The users of `ids` that exist, in order (the console's delete confirmation). */
export const usersByIds = async (db: D1Database, ids: string[]) =>
  (await Promise.all(ids.map((id) => findUser(db, id)))).filter((r) => r !== null);

/** The user's latest invitation, if any (the console's profile). */
export const lastMailOf = (db: D1Database, userId: string) => mailOfUserStatement(db, userId).first<MailRow>();

/** A user by userName, or null (the console's invitation preview). */
export const userByName = (db: D1Database, userName: string) => findUserByName(db, userName);
