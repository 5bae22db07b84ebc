import type { KeysetColumn, SqlTarget } from "../scim/filter/sql-target";
import { USER_RESOURCE } from "../scim/schema/resources";

/** The users table and its side tables, as filters and sortBy see them (drizzle/, src/db/schema/). */
export const USERS_TARGET: SqlTarget = {
  resource: USER_RESOURCE,
  idColumn: "u.id",
  doc: "u.doc",
  columns: {
    id: "u.id",
    username: "u.user_name",
    externalid: "u.external_id",
    displayname: "u.display_name",
    active: "u.active",
    "meta.created": "u.created",
    "meta.lastmodified": "u.last_modified",
  },
  constants: { "meta.resourcetype": "User" },
  sideTables: {
    emails: {
      table: "user_emails",
      owner: "user_id",
      columns: { value: "value", type: "type", primary: "is_primary" },
    },
    // groups is derived from memberships and is not stored in the user document.
    groups: { table: "group_members", owner: "member_id", columns: { value: "group_id" } },
  },
};

/** sortBy (resolved key, "" for the default order) -> keyset column of cursor pages; each has an index (drizzle/). */
export const USERS_KEYSET: Record<string, KeysetColumn> = {
  "": { column: "u.created", field: "created" },
  "meta.created": { column: "u.created", field: "created" },
  "meta.lastmodified": { column: "u.last_modified", field: "last_modified" },
  username: { column: "u.user_name", field: "user_name", nocase: true },
  displayname: { column: "u.display_name", field: "display_name", nocase: true, nullable: true },
};
