import { GROUP_SOURCES } from "../enums";
import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { nocaseText } from "./columns";

/** Groups and their member rows. */

export const groups = sqliteTable(
  "groups",
  {
    id: text("id").primaryKey(),
    displayName: nocaseText("display_name").notNull(),
    externalId: text("external_id"),
    /** P15, P16 (the enum types the column only: SQLite stores text, the migration is unchanged) */
    source: text("source", { enum: GROUP_SOURCES }).notNull().default("scim"),
    doc: text("doc").notNull(),
    version: integer("version").notNull(),
    created: text("created").notNull(),
    lastModified: text("last_modified").notNull(),
  },
  (t) => [
    uniqueIndex("groups_display_name").on(t.displayName),
    index("groups_external_id").on(t.externalId),
    // RFC 9865 cursor pages (drizzle/0007_cursor_indexes.sql).
    index("groups_created_id").on(t.created, t.id),
    index("groups_last_modified_id").on(t.lastModified, t.id),
  ],
);

export const groupMembers = sqliteTable(
  "group_members",
  {
    groupId: text("group_id").notNull(),
    memberId: text("member_id").notNull(),
  },
  (t) => [primaryKey({ columns: [t.groupId, t.memberId] }), index("group_members_member").on(t.memberId)],
);
