/** DESIGN.md, Requests: `[a-z0-9](-?[a-z0-9])*`, at most 40 characters. */
export const TENANT_SLUG = /^[a-z0-9](-?[a-z0-9])*$/;
export const TENANT_SLUG_MAX = 40;

export const isTenantSlug = (s: string) => s.length <= TENANT_SLUG_MAX && TENANT_SLUG.test(s);

/** `acme-eu` -> `TENANT_ACME_EU`, the D1 binding of that tenant. */
export const tenantBinding = (slug: string) => `TENANT_${slug.toUpperCase().replace(/-/g, "_")}` as const;
