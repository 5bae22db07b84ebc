import { attr, str } from "./define";
import type { ResourceSchema, SchemaDef } from "./types";

export const ROLE_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:Role";

const readOnly = { mutability: "readOnly" } as const;

/**
 * draft-ietf-scim-roles-entitlements section 3.2: the roles this service understands, read
 * only. `value` is what a user's effective role and a mapping name; `supported` is false for a
 * role of the product the tenant does not use.
 */
export const roleSchema: SchemaDef = {
  id: ROLE_SCHEMA,
  name: "Role",
  description: "A role the product understands, and whether this tenant uses it.",
  attributes: [
    str("value", "The role's identifier.", { ...readOnly, required: true, caseExact: true }),
    str("display", "The role's name, as the tenant labels it.", readOnly),
    str("description", "What the role does, in a sentence.", readOnly),
    attr("supported", "boolean", "True when this tenant uses the role.", { ...readOnly, required: true }),
    attr("limitedAssignmentsPermitted", "boolean", "Always false: any number of users may hold a role.", readOnly),
    str("contains", "The roles a holder of this role holds as well.", {
      ...readOnly,
      multiValued: true,
      caseExact: true,
    }),
    str("containedBy", "The roles whose holders hold this role as well.", {
      ...readOnly,
      multiValued: true,
      caseExact: true,
    }),
  ],
};

export const ROLE_RESOURCE: ResourceSchema = {
  name: "Role",
  endpoint: "/Roles",
  core: roleSchema,
  extensions: [],
};
