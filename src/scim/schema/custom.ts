import { str } from "./define";
import { USER_RESOURCE } from "./resources";
import type { ResourceSchema, SchemaDef } from "./types";

/** P18: the extension Entra sends the tenant's custom attributes in. */
export const CUSTOM_SCHEMA = "urn:ietf:params:scim:schemas:extension:ivanti:2.0:User";

export function customSchema(names: string[]): SchemaDef {
  return {
    id: CUSTOM_SCHEMA,
    name: "CustomUser",
    description:
      "Custom attributes defined by the tenant's admins (type IdP), usable as ${name} in invitation templates.",
    attributes: names.map((n) =>
      str(
        n,
        `Custom attribute ${n} (type IdP), defined by the tenant's admin; usable as \${${n}} in invitation templates.`,
      ),
    ),
  };
}

const cache = new Map<string, ResourceSchema>();
/** Distinct attribute lists are few per isolate, so the resource schemas are memoised by list. */
const CACHE_LIMIT = 256;

/** The User resource type of a tenant: core, enterprise, and its own custom attributes. */
export function userResourceFor(names: string[]): ResourceSchema {
  const key = names.join("\u0000");
  let rs = cache.get(key);
  if (!rs) {
    rs = { ...USER_RESOURCE, extensions: [...USER_RESOURCE.extensions, customSchema(names)] };
    if (cache.size >= CACHE_LIMIT) cache.clear();
    cache.set(key, rs);
  }
  return rs;
}
