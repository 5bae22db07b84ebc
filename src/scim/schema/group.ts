import { attr, str } from "./define";
import type { SchemaDef } from "./types";

export const GROUP_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:Group";

/** RFC 7643 section 4.2. Only users can be members (P14). */
export const groupSchema: SchemaDef = {
  id: GROUP_SCHEMA,
  name: "Group",
  description: "Group",
  attributes: [
    str(
      "displayName",
      "A human-readable name for the Group. Unique among all groups of the tenant, whatever their source (LDAP, local), compared case-insensitively.",
      {
        required: true,
        uniqueness: "server",
      },
    ),
    attr(
      "members",
      "complex",
      "A list of members of the Group: users only (no nested groups), each with an email address.",
      {
        multiValued: true,
        returned: "default",
        subAttributes: [
          str("value", "Identifier of the member of this Group.", { caseExact: true, mutability: "immutable" }),
          attr("$ref", "reference", "The URI of the member resource.", {
            mutability: "immutable",
            caseExact: true,
            referenceTypes: ["User"],
          }),
          str("display", "The member's displayName.", { mutability: "readOnly" }),
          str("type", "The type of the member.", { mutability: "immutable", canonicalValues: ["User"] }),
        ],
      },
    ),
  ],
};
