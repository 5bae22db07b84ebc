/**
 * Tenant naming (docs/storage.md). Shared by the Worker and the CLI (which imports
 * this file under Node: no imports): the Worker resolves `/t/<slug>/...` to the binding named
 * here, the CLI writes that binding, so both must agree exactly.
 */

/** `[a-z0-9](-?[a-z0-9])*`: lower-case letters and digits, single inner hyphens. */
export const TENANT_SLUG = /^[a-z0-9](-?[a-z0-9])*$/;
export const TENANT_SLUG_MAX = 40;
/** Every tenant binding starts with this; the rest is the slug upper-cased, `-` -> `_`. */
export const TENANT_BINDING_PREFIX = "TENANT_";

export const isTenantSlug = (s: string) => s.length <= TENANT_SLUG_MAX && TENANT_SLUG.test(s);

/** `acme-eu` -> `TENANT_ACME_EU`, the D1 binding of that tenant. */
export const tenantBinding = (slug: string) => `TENANT_${slug.toUpperCase().replace(/-/g, "_")}` as const;

/** `TENANT_ACME_EU` -> `acme-eu` (slugs never contain `_`, so this inverts tenantBinding). */
export const slugOfBinding = (binding: string) =>
  binding.slice(TENANT_BINDING_PREFIX.length).toLowerCase().replace(/_/g, "-");
