import type { ScimDoc } from "../scim/normalize";

export type GroupSource = "scim" | "local" | "ldap" | "builtin";

/** P16: the built-in group every tenant has (seeded by drizzle/0002). */
export const ALL_USERS_GROUP_ID = "all-users";

export interface GroupRow {
  id: string;
  display_name: string;
  external_id: string | null;
  source: GroupSource;
  doc: string;
  version: number;
  created: string;
  last_modified: string;
}

export interface MemberRow {
  group_id: string;
  value: string;
  display: string | null;
}

export function groupColumns(doc: ScimDoc) {
  return {
    display_name: String(doc.displayName),
    external_id: typeof doc.externalId === "string" && doc.externalId !== "" ? doc.externalId : null,
  };
}

/** The row a write leaves behind, built as the repository writes it (columns derived from the document). */
export function groupRow(g: { id: string; doc: ScimDoc; source: GroupSource; version: number; created: string; lastModified: string }): GroupRow {
  return {
    id: g.id,
    ...groupColumns(g.doc),
    source: g.source,
    doc: JSON.stringify(g.doc),
    version: g.version,
    created: g.created,
    last_modified: g.lastModified,
  };
}
