import { USER_SOURCES } from "../enums";
import { index, integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { nocaseText } from "./columns";

/** Users and their emails. */

export const users = sqliteTable(
  "users",
  {
    id: text("id").primaryKey(),
    userName: nocaseText("user_name").notNull(),
    externalId: text("external_id"),
    displayName: nocaseText("display_name"),
    active: integer("active", { mode: "boolean" }).notNull(),
    /** P4, P11 (the enum types the column only: SQLite stores text, the migration is unchanged) */
    source: text("source", { enum: USER_SOURCES }).notNull().default("scim"),
    doc: text("doc").notNull(),
    version: integer("version").notNull(),
    created: text("created").notNull(),
    lastModified: text("last_modified").notNull(),
    /** P21: derived on create and when its source changes; unique in the tenant. */
    managedAppleId: nocaseText("managed_apple_id"),
    /** P25: `{"custAttr1": "..."}` as imported from LDAP; never changed by SCIM afterwards. */
    ldapAttributes: text("ldap_attributes"),
  },
  (t) => [
    uniqueIndex("users_user_name").on(t.userName),
    uniqueIndex("users_managed_apple_id").on(t.managedAppleId),
    index("users_external_id").on(t.externalId),
    index("users_created").on(t.created),
    // RFC 9865 cursor pages (drizzle/0007_cursor_indexes.sql).
    index("users_created_id").on(t.created, t.id),
    index("users_display_name_id").on(t.displayName, t.id),
    index("users_last_modified_id").on(t.lastModified, t.id),
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

/**
 * What stays of a user deleted through SCIM when the tenant's delete mode is `delete`: the user
 * row is gone (SCIM answers 404, its userName and externalId are free again), and the MDM keeps
 * this record of who it was, shown as deleted in the console. One row per deletion (an id is
 * never reused, so the user's id is the key).
 */
export const userTombstones = sqliteTable(
  "user_tombstones",
  {
    id: text("id").primaryKey(),
    userName: nocaseText("user_name").notNull(),
    externalId: text("external_id"),
    displayName: nocaseText("display_name"),
    source: text("source", { enum: USER_SOURCES }).notNull(),
    /** The user's SCIM document as it was when deleted. */
    doc: text("doc").notNull(),
    created: text("created").notNull(),
    deleted: text("deleted").notNull(),
  },
  (t) => [index("user_tombstones_user_name").on(t.userName), index("user_tombstones_deleted").on(t.deleted)],
);
