/**
 * Tenant operations: onboarding, token rotation, migrations, removal. Each one drives wrangler
 * (./wrangler.ts) and edits the config file (./config-file.ts). Used by the `tenant` command,
 * `npm start` and the black-box test harness.
 *
 * Order of writes when tokens change (docs/storage.md): KV entry of the new token first (a
 * KV entry alone grants nothing, the Worker also requires a current D1 row), then the D1 switch
 * in one batch (the old token stops, the new one starts), then the old KV entries go.
 */
import { readFileSync, renameSync, writeFileSync } from "node:fs";
import {
  addTenantBlock,
  findTenantBinding,
  listTenantBindings,
  removeTenantBlock,
  type TenantBinding,
} from "./config-file.ts";
import type { TokenRow } from "../tenants/token-rows.ts";
import { isTenantSlug, TENANT_SLUG_MAX } from "../tenants/slug.ts";
import { mintToken, tokenKvKey, tokenKvValue, type MintedToken, type TokenScope } from "../tenants/tokens.ts";
import { databaseName, localDatabaseId } from "./names.ts";
import { TenantUsageError } from "./usage-error.ts";
import { migrateDatabase } from "./fleet-migrate.ts";
import { localStateDir, withLocalDatabases } from "./local-d1.ts";
import { projectMigrationsDir, readMigrations } from "./migration-files.ts";
import { CURRENT_TOKENS_SQL, replaceTokensSql, revokeAllTokensText } from "./tokens.ts";
import {
  d1Create,
  d1Delete,
  d1Execute,
  d1MigrationsApply,
  d1Query,
  kvDelete,
  kvPut,
  type D1Location,
  type WranglerTarget,
} from "./wrangler.ts";

/** KV namespace binding of the token index (wrangler.toml). */
export const TOKENS_KV_BINDING = "TOKENS";

export { TenantUsageError } from "./usage-error.ts";

export interface IssuedTokens {
  scim: MintedToken;
  admin: MintedToken;
}

export function assertValidSlug(slug: string | undefined): asserts slug is string {
  if (!slug) throw new TenantUsageError("missing tenant slug");
  if (!isTenantSlug(slug)) {
    throw new TenantUsageError(
      `invalid tenant slug "${slug}": use lower-case letters and digits, single hyphens inside, at most ${TENANT_SLUG_MAX} characters`,
    );
  }
}

function readConfig(target: WranglerTarget): string {
  return readFileSync(target.configPath, "utf8");
}

/** Write-then-rename, so a crash never leaves a half-written config behind. */
function writeConfig(target: WranglerTarget, text: string): void {
  const temporary = `${target.configPath}.${process.pid}.tmp`;
  writeFileSync(temporary, text);
  renameSync(temporary, target.configPath);
}

export function listTenants(target: WranglerTarget): TenantBinding[] {
  return listTenantBindings(readConfig(target));
}

export function findTenant(target: WranglerTarget, slug: string): TenantBinding | undefined {
  return findTenantBinding(readConfig(target), slug);
}

function requireTenant(target: WranglerTarget, slug: string | undefined): TenantBinding {
  assertValidSlug(slug);
  const tenant = findTenant(target, slug);
  if (!tenant) throw new TenantUsageError(`unknown tenant "${slug}" (no binding in ${target.configPath})`);
  return tenant;
}

/**
 * Onboards a tenant: database, config binding, migrations, both tokens. Refuses a slug that is
 * already in the config before touching anything.
 */
export async function addTenant(
  target: WranglerTarget,
  slug: string | undefined,
  options: AddTenantOptions = {},
): Promise<IssuedTokens> {
  assertValidSlug(slug);
  const before = readConfig(target);
  if (findTenantBinding(before, slug)) {
    throw new TenantUsageError(`tenant "${slug}" already exists in ${target.configPath}; nothing changed`);
  }
  const name = databaseName(slug);
  const databaseId = target.remote ? await d1Create(target, name, options.location) : localDatabaseId(slug);
  writeConfig(target, addTenantBlock(before, slug, databaseId, options.migrationsDir));
  try {
    await migrateOne(target, name, databaseId);
    const [scim, admin] = await issueTokens(target, slug, ["scim", "admin"]);
    return { scim, admin };
  } catch (error) {
    // Locally nothing outside the state dir exists yet, so undo the binding and let a re-run start
    // clean. Remotely the database now exists: keep its binding so `migrate`/`rotate-token` finish.
    if (!target.remote) writeConfig(target, removeTenantBlock(readConfig(target), slug));
    throw error;
  }
}

export interface AddTenantOptions {
  /** D1 location hint for the new database (remote only). */
  location?: D1Location;
  /** The tenant block's `migrations_dir` when the config is not in the project root (a cell). */
  migrationsDir?: string;
}

/**
 * Applies pending migrations to one database. Locally in this process (./local-d1.ts: the same
 * files wrangler would write, in a fraction of the time); remotely through wrangler.
 */
export async function migrateOne(target: WranglerTarget, name: string, databaseId: string): Promise<void> {
  if (target.remote) {
    await d1MigrationsApply(target, name);
    return;
  }
  await withLocalDatabases(localStateDir(target), [databaseId], async (open) => {
    await migrateDatabase(await open(databaseId), readMigrations(projectMigrationsDir()), false);
  });
}

/** Current (not revoked) token rows of a tenant. */
export async function currentTokens(target: WranglerTarget, slug: string): Promise<TokenRow[]> {
  return d1Query<TokenRow>(target, databaseName(slug), CURRENT_TOKENS_SQL);
}

/**
 * Mints a new token per scope, in the order given; the tenant's current tokens of those scopes
 * stop working.
 */
export async function issueTokens(
  target: WranglerTarget,
  slug: string,
  scopes: readonly TokenScope[],
): Promise<MintedToken[]> {
  const name = databaseName(slug);
  const previous = (await currentTokens(target, slug)).filter((t) => scopes.includes(t.scope));
  const minted = await Promise.all(scopes.map((scope) => mintToken(scope)));
  for (const token of minted) await kvPut(target, TOKENS_KV_BINDING, tokenKvKey(token.hash), tokenKvValue(slug, token));
  await d1Execute(target, name, replaceTokensSql(minted));
  for (const old of previous) await kvDelete(target, TOKENS_KV_BINDING, tokenKvKey(old.hash));
  return minted;
}

export async function rotateToken(
  target: WranglerTarget,
  slug: string | undefined,
  scope: TokenScope,
): Promise<MintedToken> {
  const tenant = requireTenant(target, slug);
  const [token] = await issueTokens(target, tenant.slug, [scope]);
  return token;
}

/**
 * Removes a tenant: its tokens stop (revoked in D1, KV entries deleted), its binding leaves the
 * config, and remotely its database is deleted (the caller must have asked for --yes).
 */
export async function removeTenant(target: WranglerTarget, slug: string | undefined): Promise<void> {
  const tenant = requireTenant(target, slug);
  const tokens = await currentTokens(target, tenant.slug).catch(() => [] as TokenRow[]);
  if (tokens.length > 0) await d1Execute(target, tenant.databaseName, revokeAllTokensText());
  for (const token of tokens) await kvDelete(target, TOKENS_KV_BINDING, tokenKvKey(token.hash));
  if (target.remote) await d1Delete(target, tenant.databaseName);
  writeConfig(target, removeTenantBlock(readConfig(target), tenant.slug));
}
