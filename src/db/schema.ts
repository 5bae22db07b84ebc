import { customType, index, integer, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

/**
 * Per-tenant D1 schema. Each resource row keeps the columns that are filtered, sorted or unique
 * next to the full SCIM document as JSON (`doc`), so any attribute path can be filtered with
 * json_extract/json_each without a column per attribute. `id` and `meta` live in columns only.
 */

/** SCIM compares these case-insensitively (RFC 7643 caseExact=false); NOCASE lets the index serve `eq`. */
const nocaseText = customType<{ data: string }>({ dataType: () => "text COLLATE NOCASE" });

export const users = sqliteTable(
  "users",
  {
    id: text("id").primaryKey(),
    userName: nocaseText("user_name").notNull(),
    externalId: text("external_id"),
    displayName: nocaseText("display_name"),
    active: integer("active", { mode: "boolean" }).notNull(),
    /** scim | local | ldap | entra-user-source (P4, P11) */
    source: text("source").notNull().default("scim"),
    doc: text("doc").notNull(),
    version: integer("version").notNull(),
    created: text("created").notNull(),
    lastModified: text("last_modified").notNull(),
  },
  (t) => [
    uniqueIndex("users_user_name").on(t.userName),
    index("users_external_id").on(t.externalId),
    index("users_created").on(t.created),
  ],
);

/** One row per email of a user: serves `emails.value eq ...` from an index instead of a scan. */
export const userEmails = sqliteTable(
  "user_emails",
  {
    userId: text("user_id").notNull(),
    value: nocaseText("value").notNull(),
    type: text("type"),
    primary: integer("is_primary", { mode: "boolean" }).notNull().default(false),
  },
  (t) => [index("user_emails_value").on(t.value), index("user_emails_user").on(t.userId)],
);

export const groups = sqliteTable(
  "groups",
  {
    id: text("id").primaryKey(),
    displayName: nocaseText("display_name").notNull(),
    externalId: text("external_id"),
    /** scim | local | ldap | builtin (P15, P16) */
    source: text("source").notNull().default("scim"),
    doc: text("doc").notNull(),
    version: integer("version").notNull(),
    created: text("created").notNull(),
    lastModified: text("last_modified").notNull(),
  },
  (t) => [uniqueIndex("groups_display_name").on(t.displayName), index("groups_external_id").on(t.externalId)],
);

export const groupMembers = sqliteTable(
  "group_members",
  {
    groupId: text("group_id").notNull(),
    memberId: text("member_id").notNull(),
  },
  (t) => [primaryKey({ columns: [t.groupId, t.memberId] }), index("group_members_member").on(t.memberId)],
);

/**
 * The truth for token validity (P2). KV maps a token hash to its tenant and id, but KV is
 * eventually consistent, so a token is valid only while its row here is not revoked.
 */
export const tokens = sqliteTable("tokens", {
  id: text("id").primaryKey(),
  /** scim | admin */
  scope: text("scope").notNull(),
  hash: text("hash").notNull(),
  created: text("created").notNull(),
  revoked: text("revoked"),
});
