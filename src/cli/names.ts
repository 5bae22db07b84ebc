/**
 * Names only the CLI uses (databases, migrations, printed URLs). The slug rules and the binding
 * name are the Worker's own (../tenants/slug.ts), imported wherever the CLI needs them.
 */

/** Every tenant database name starts with this; the rest is the slug. */
export const TENANT_DATABASE_PREFIX = "scim-";
/** Where drizzle-kit writes the migrations that wrangler applies. */
export const MIGRATIONS_DIR = "drizzle";

export function databaseName(slug: string): string {
  return TENANT_DATABASE_PREFIX + slug;
}

/** Starts every local placeholder id; a remote deploy refuses it (./deploy-steps.ts). */
export const LOCAL_DATABASE_ID_PREFIX = "local-";

/**
 * Local databases need no Cloudflare id, but miniflare keys each local SQLite file by
 * database_id: one shared placeholder would put every local tenant in the same file. So the
 * placeholder is fixed per slug and says what it is.
 */
export function localDatabaseId(slug: string): string {
  return `${LOCAL_DATABASE_ID_PREFIX}${databaseName(slug)}`;
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
