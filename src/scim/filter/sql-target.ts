import type { ResourceSchema } from "../schema/types";

/** Rows of a multi-valued attribute kept in their own indexed table (see src/db/schema/). */
export interface SideTable {
  table: string;
  /** Column of the side table holding the owning resource's id. */
  owner: string;
  /** Sub-attribute key (lower case) -> column. Sub-attributes not listed are read from the document. */
  columns: Record<string, string>;
}

/**
 * How a resource type is stored, for compiling filters and sortBy into SQL. The targets
 * themselves (table and column names) live beside the repositories owning those tables
 * (users/sql-target.ts, groups/sql-target.ts); the compiler knows only this shape.
 */
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

/** A sort key cursor pages can walk by keyset (RFC 9865): an indexed column and the row field holding it. */
export interface KeysetColumn {
  column: string;
  /** The field of the row object the repository returns. */
  field: string;
  nocase?: boolean;
  nullable?: boolean;
}
