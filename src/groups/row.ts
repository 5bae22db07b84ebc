import type { D1Row } from "../db/rows";
import type { groups } from "../db/schema";
import type { ScimDoc } from "../scim/normalize";

/** P16: the built-in group every tenant has (seeded by drizzle/0002). */
export const ALL_USERS_GROUP_ID = "all-users";

/** A `groups` row as read from D1, typed by src/db/schema/. */
export type GroupRow = D1Row<typeof groups>;

export type GroupSource = GroupRow["source"];

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
export function groupRow(g: {
  id: string;
  doc: ScimDoc;
  source: GroupSource;
  version: number;
  created: string;
  lastModified: string;
}): GroupRow {
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
