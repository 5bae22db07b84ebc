/** RFC 7643 section 7: the attribute characteristics the protocol core relies on. */
export type AttrType = "string" | "boolean" | "decimal" | "integer" | "dateTime" | "reference" | "complex" | "binary";
export type Mutability = "readOnly" | "readWrite" | "immutable" | "writeOnly";
export type Returned = "always" | "never" | "default" | "request";
export type Uniqueness = "none" | "server" | "global";

export interface AttrDef {
  name: string;
  type: AttrType;
  multiValued: boolean;
  description: string;
  required: boolean;
  caseExact: boolean;
  mutability: Mutability;
  returned: Returned;
  uniqueness: Uniqueness;
  canonicalValues?: string[];
  referenceTypes?: string[];
  subAttributes?: AttrDef[];
}

export interface SchemaDef {
  id: string;
  name: string;
  description: string;
  attributes: AttrDef[];
}

/**
 * A resource type as the protocol core sees it: its core schema and the extension schemas that
 * may appear under their URN key in a resource document.
 */
export interface ResourceSchema {
  name: "User" | "Group" | "Role";
  endpoint: string;
  core: SchemaDef;
  extensions: SchemaDef[];
}
