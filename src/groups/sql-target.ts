import type { KeysetColumn, SqlTarget } from "../scim/filter/sql-target";
import { GROUP_RESOURCE } from "../scim/schema/resources";

/** The groups table and its member rows, as filters and sortBy see them (drizzle/, src/db/schema/). */
export const GROUPS_TARGET: SqlTarget = {
  resource: GROUP_RESOURCE,
  idColumn: "g.id",
  doc: "g.doc",
  columns: {
    id: "g.id",
    externalid: "g.external_id",
    displayname: "g.display_name",
    "meta.created": "g.created",
    "meta.lastmodified": "g.last_modified",
  },
  constants: { "meta.resourcetype": "Group" },
  sideTables: {
    members: { table: "group_members", owner: "group_id", columns: { value: "member_id" } },
  },
};

/** sortBy (resolved key, "" for the default order) -> keyset column of cursor pages; each has an index (drizzle/). */
export const GROUPS_KEYSET: Record<string, KeysetColumn> = {
  "": { column: "g.created", field: "created" },
  "meta.created": { column: "g.created", field: "created" },
  "meta.lastmodified": { column: "g.last_modified", field: "last_modified" },
  displayname: { column: "g.display_name", field: "display_name", nocase: true },
};
