import { groupSchema } from "./group";
import type { ResourceSchema } from "./types";
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
