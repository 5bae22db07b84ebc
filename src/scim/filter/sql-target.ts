import { GROUP_RESOURCE, USER_RESOURCE } from "../schema/resources";
import type { ResourceSchema } from "../schema/types";

/** Rows of a multi-valued attribute kept in their own indexed table (see src/db/schema.ts). */
export interface SideTable {
  table: string;
  /** Column of the side table holding the owning resource's id. */
  owner: string;
  /** Sub-attribute key (lower case) -> column. Sub-attributes not listed are read from the document. */
  columns: Record<string, string>;
}

/** How a resource type is stored, for compiling filters and sortBy into SQL. */
export interface SqlTarget {
  resource: ResourceSchema;
  /** The resource id column, qualified with the table alias, e.g. "u.id". */
  idColumn: string;
  /** The JSON document column (core attributes at the top level, extensions under their URN); null: columns only. */
  doc: string | null;
  /**
   * ResolvedAttr.key -> column, for core and common attributes. Common attributes (id,
   * externalId, meta.*) are not in the document, so only those listed here can be filtered.
   */
  columns: Record<string, string>;
  /** ResolvedAttr.key -> the value every resource of this type has, e.g. meta.resourcetype. */
  constants?: Record<string, string>;
  /** Multi-valued core attribute key -> side table. */
  sideTables?: Record<string, SideTable>;
}

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
    emails: { table: "user_emails", owner: "user_id", columns: { value: "value", type: "type", primary: "is_primary" } },
    // groups is derived from memberships and is not stored in the user document.
    groups: { table: "group_members", owner: "member_id", columns: { value: "group_id" } },
  },
};

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

/** A sort key cursor pages can walk by keyset (RFC 9865): an indexed column and the row field holding it. */
export interface KeysetColumn {
  column: string;
  /** The field of the row object the repository returns. */
  field: string;
  nocase?: boolean;
  nullable?: boolean;
}

/** sortBy (resolved key, "" for the default order) -> keyset column; each has an index (drizzle/). */
export const USERS_KEYSET: Record<string, KeysetColumn> = {
  "": { column: "u.created", field: "created" },
  "meta.created": { column: "u.created", field: "created" },
  "meta.lastmodified": { column: "u.last_modified", field: "last_modified" },
  username: { column: "u.user_name", field: "user_name", nocase: true },
  displayname: { column: "u.display_name", field: "display_name", nocase: true, nullable: true },
};

export const GROUPS_KEYSET: Record<string, KeysetColumn> = {
  "": { column: "g.created", field: "created" },
  "meta.created": { column: "g.created", field: "created" },
  "meta.lastmodified": { column: "g.last_modified", field: "last_modified" },
  displayname: { column: "g.display_name", field: "display_name", nocase: true },
};
