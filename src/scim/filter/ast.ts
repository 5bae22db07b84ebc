/** RFC 7644 section 3.4.2.2 filter syntax tree. Attribute names are kept as written; see resolve.ts. */
export type CompareOp = "eq" | "ne" | "co" | "sw" | "ew" | "gt" | "ge" | "lt" | "le";
export type Literal = string | number | boolean | null;

/** `urn:...:User:name.familyName` -> { uri: "urn:...:User", names: ["name", "familyName"] } */
export interface AttrRef {
  uri?: string;
  names: string[];
}

export type Filter =
  | { kind: "compare"; attr: AttrRef; op: CompareOp; value: Literal }
  | { kind: "present"; attr: AttrRef }
  | { kind: "and" | "or"; left: Filter; right: Filter }
  | { kind: "not"; filter: Filter }
  /** `emails[type eq "work" and value co "@x"]`: attribute names inside are relative to `attr`. */
  | { kind: "valuePath"; attr: AttrRef; filter: Filter };

/** RFC 7644 section 3.5.2 PATCH path: `attrPath` or `valuePath [ "." subAttr ]`. */
export interface PatchPath {
  attr: AttrRef;
  filter?: Filter;
  /** Sub-attribute after a value filter: `emails[type eq "work"].value` -> "value". */
  sub?: string;
}
