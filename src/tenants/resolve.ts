import type { Env } from "../platform/env";
import { isTenantSlug, slugOfBinding, tenantBinding, TENANT_BINDING_PREFIX } from "./slug";

/**
 * The tenant's D1 database, or undefined when no such tenant is bound to this Worker.
 * Bindings are fixed at deploy time (docs/storage.md), so resolution is a property lookup.
 */
export function tenantDatabase(env: Env, slug: string): D1Database | undefined {
  if (!isTenantSlug(slug)) return undefined;
  const db = env[tenantBinding(slug)];
  return db && typeof (db as D1Database).prepare === "function" ? db : undefined;
}

/** Every tenant bound to this Worker. */
export const tenantsOf = (env: Env) =>
  Object.keys(env)
    .filter((k) => k.startsWith(TENANT_BINDING_PREFIX))
    .map(slugOfBinding);
