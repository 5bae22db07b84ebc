import type { D1Row } from "../db/rows";
import type { users } from "../db/schema";
import type { ScimDoc } from "../scim/normalize";

/** A `users` row as read from D1, typed by src/db/schema/ (managed_apple_id: P21; ldap_attributes: P25). */
export type UserRow = D1Row<typeof users>;

export type UserSource = UserRow["source"];

/** The indexed columns are derived from the document, so they can never disagree with it. */
export function userColumns(doc: ScimDoc) {
  const str = (v: unknown) => (typeof v === "string" && v !== "" ? v : null);
  return {
    user_name: String(doc.userName),
    external_id: str(doc.externalId),
    display_name: str(doc.displayName),
    active: doc.active === false ? 0 : 1,
  };
}

export function rowOf(
  id: string,
  doc: ScimDoc,
  source: UserRow["source"],
  version: number,
  created: string,
  lastModified: string,
  managedAppleId: string | null,
  ldapAttributes: string | null,
): UserRow {
  return {
    id,
    ...userColumns(doc),
    source,
    doc: JSON.stringify(doc),
    version,
    created,
    last_modified: lastModified,
    managed_apple_id: managedAppleId,
    ldap_attributes: ldapAttributes,
  };
}
