import { metaOf } from "../scim/meta";
import type { ScimDoc } from "../scim/normalize";
import { USER_RESOURCE } from "../scim/schema/resources";
import type { ResourceSchema } from "../scim/schema/types";
import { USER_SCHEMA } from "../scim/schema/user";
import type { UserRow } from "./row";

/** The SCIM representation of a stored user: schemas and meta are derived, never stored. */
export function renderUser(
  row: UserRow,
  baseUrl: string,
  resource: ResourceSchema = USER_RESOURCE,
): Record<string, unknown> {
  const doc = JSON.parse(row.doc) as ScimDoc;
  const extensions = resource.extensions.map((e) => e.id).filter((urn) => doc[urn] !== undefined);
  return {
    schemas: [USER_SCHEMA, ...extensions],
    id: row.id,
    ...doc,
    active: row.active === 1,
    meta: metaOf({
      resourceType: "User",
      created: row.created,
      lastModified: row.last_modified,
      location: `${baseUrl}/Users/${row.id}`,
      version: row.version,
    }),
  };
}
