import { metaOf } from "../scim/meta";
import { GROUP_SCHEMA } from "../scim/schema/group";
import type { GroupRow, MemberRow } from "./row";

/** The SCIM representation of a group; `members` only when they were loaded (see wantsMembers). */
export function renderGroup(row: GroupRow, baseUrl: string, members?: MemberRow[]): Record<string, unknown> {
  const { members: _stored, ...doc } = JSON.parse(row.doc) as Record<string, unknown>;
  return {
    schemas: [GROUP_SCHEMA],
    id: row.id,
    ...doc,
    ...(members
      ? {
          members: members.map((m) => ({
            value: m.value,
            $ref: `${baseUrl}/Users/${m.value}`,
            ...(m.display ? { display: m.display } : {}),
            type: "User",
          })),
        }
      : {}),
    meta: metaOf({
      resourceType: "Group",
      created: row.created,
      lastModified: row.last_modified,
      location: `${baseUrl}/Groups/${row.id}`,
      version: row.version,
    }),
  };
}

/**
 * Members are the expensive part of a group (tens of thousands of rows), so they are read only
 * when the answer will show them. Entra asks with excludedAttributes=members and treats
 * members in such an answer as an error.
 */
export function wantsMembers(p: { attributes?: string; excludedAttributes?: string }): boolean {
  const names = (s?: string) =>
    (s ?? "").split(",").map((a) =>
      a
        .trim()
        .toLowerCase()
        .replace(/^urn:ietf:params:scim:schemas:core:2\.0:group:/, ""),
    );
  if (names(p.excludedAttributes).some((n) => n === "members")) return false;
  if (p.attributes)
    return names(p.attributes).some((n) => n === "members" || n.startsWith("members.") || n.startsWith("members["));
  return true;
}
