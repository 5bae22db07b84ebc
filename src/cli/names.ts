/**
 * Tenant naming rules shared with the Worker (DESIGN.md "Requests", "Storage"). The Worker
 * resolves `/t/<slug>/...` to the binding named here, so both sides must agree exactly.
 */

/** Lower-case letters and digits, single inner hyphens. */
export const SLUG_PATTERN = /^[a-z0-9](-?[a-z0-9])*$/;
export const SLUG_MAX_LENGTH = 40;

/** Every tenant binding starts with this; the rest is the slug upper-cased, `-` -> `_`. */
export const TENANT_BINDING_PREFIX = "TENANT_";
/** Every tenant database name starts with this; the rest is the slug. */
export const TENANT_DATABASE_PREFIX = "scim-";
/** Where drizzle-kit writes the migrations that wrangler applies. */
export const MIGRATIONS_DIR = "drizzle";

export function isValidSlug(slug: string): boolean {
  return slug.length <= SLUG_MAX_LENGTH && SLUG_PATTERN.test(slug);
}

export function bindingName(slug: string): string {
  return TENANT_BINDING_PREFIX + slug.toUpperCase().replaceAll("-", "_");
}

export function databaseName(slug: string): string {
  return TENANT_DATABASE_PREFIX + slug;
}

/**
 * Local databases need no Cloudflare id, but miniflare keys each local SQLite file by
 * database_id: one shared placeholder would put every local tenant in the same file. So the
 * placeholder is fixed per slug and says what it is.
 */
export function localDatabaseId(slug: string): string {
  return `local-${databaseName(slug)}`;
}

export function tenantUrl(urlBase: string, slug: string): string {
  return `${urlBase.replace(/\/+$/, "")}/t/${slug}/scim/v2`;
}

export function adminApiUrl(urlBase: string, slug: string): string {
  return `${urlBase.replace(/\/+$/, "")}/t/${slug}/admin/api`;
}

export function consoleUrl(urlBase: string, slug: string): string {
  return `${urlBase.replace(/\/+$/, "")}/t/${slug}/admin/`;
}
