import type { ScimDoc } from "../scim/normalize";

export type UserSource = "scim" | "local" | "ldap" | "entra-user-source";

/** A `users` row as read from D1 (see src/db/schema.ts). */
export interface UserRow {
  id: string;
  user_name: string;
  external_id: string | null;
  display_name: string | null;
  active: number;
  source: UserSource;
  doc: string;
  version: number;
  created: string;
  last_modified: string;
  /** P21 */
  managed_apple_id: string | null;
  /** P25: JSON object of the LDAP custom attributes, as imported. */
  ldap_attributes: string | null;
}

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
