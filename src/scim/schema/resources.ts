import { groupSchema } from "./group";
import type { ResourceSchema, SchemaDef } from "./types";
import { enterpriseUserSchema, userSchema } from "./user";

export const USER_RESOURCE: ResourceSchema = {
  name: "User",
  endpoint: "/Users",
  core: userSchema,
  extensions: [enterpriseUserSchema],
};

export const GROUP_RESOURCE: ResourceSchema = {
  name: "Group",
  endpoint: "/Groups",
  core: groupSchema,
  extensions: [],
};

/** A tenant's resource types: its own User type (with its custom attributes, P18) and Group. */
export const tenantResources = (userResource: ResourceSchema): ResourceSchema[] => [userResource, GROUP_RESOURCE];

/** What the tenant's `/Schemas` lists: every core and extension schema of its resource types. */
export const tenantSchemas = (userResource: ResourceSchema): SchemaDef[] =>
  tenantResources(userResource).flatMap((r) => [r.core, ...r.extensions]);
