/**
 * `npm run tenant -- client add|list|revoke <slug>`: a tenant's OAuth clients, the
 * same rows the admin API manages. The client secret exists in clear text only in the value
 * returned by `addClient`; wrangler sees its SHA-256 hash (its command line shows up in `ps`).
 */
import {
  DEFAULT_SECRET_DAYS,
  LIST_CLIENTS_SQL,
  MAX_SECRET_DAYS,
  CLIENT_ID_PATTERN,
  CLIENT_NAME_MAX,
  type ClientListing,
  clientRow,
  mintClient,
  type MintedClient,
} from "../oauth/credentials.ts";
import { databaseName } from "./names.ts";
import { findTenant, TenantUsageError, assertValidSlug } from "./tenants.ts";
import { d1Execute, d1Query, type WranglerTarget } from "./wrangler.ts";

export type { ClientListing };

const sqlText = (value: string) => `'${value.replaceAll("'", "''")}'`;

function requireTenantSlug(target: WranglerTarget, slug: string | undefined): string {
  assertValidSlug(slug);
  if (!findTenant(target, slug))
    throw new TenantUsageError(`unknown tenant "${slug}" (no binding in ${target.configPath})`);
  return slug;
}

/** Parses `--days`: whole days, 1 to 3 years (Entra's client secret lifetimes); default one year. */
export function secretDays(value: string | undefined): number {
  if (value === undefined) return DEFAULT_SECRET_DAYS;
  const days = Number(value);
  if (!/^\d+$/.test(value) || days < 1 || days > MAX_SECRET_DAYS) {
    throw new TenantUsageError(`--days must be a whole number from 1 to ${MAX_SECRET_DAYS}`);
  }
  return days;
}

export async function addClient(
  target: WranglerTarget,
  slug: string | undefined,
  name: string,
  days: number,
): Promise<MintedClient> {
  const tenant = requireTenantSlug(target, slug);
  const trimmed = name.trim();
  if (!trimmed || trimmed.length > CLIENT_NAME_MAX)
    throw new TenantUsageError(`--name must be 1 to ${CLIENT_NAME_MAX} characters`);
  const client = await mintClient(trimmed, days, Date.now());
  const values = clientRow(client).map(sqlText).join(", ");
  await d1Execute(
    target,
    databaseName(tenant),
    `INSERT INTO oauth_clients (id, name, secret_hash, created, expires) VALUES (${values});`,
  );
  return client;
}

export async function listClients(target: WranglerTarget, slug: string | undefined): Promise<ClientListing[]> {
  return d1Query<ClientListing>(target, databaseName(requireTenantSlug(target, slug)), LIST_CLIENTS_SQL);
}

/** Revokes a client; its access tokens stop at once (the Worker checks this row on every request). */
export async function revokeClient(
  target: WranglerTarget,
  slug: string | undefined,
  clientId: string | undefined,
): Promise<void> {
  const tenant = requireTenantSlug(target, slug);
  if (!clientId || !CLIENT_ID_PATTERN.test(clientId))
    throw new TenantUsageError(`missing or malformed client id (scimc_…)`);
  const name = databaseName(tenant);
  const active = await d1Query<{ id: string }>(
    target,
    name,
    `SELECT id FROM oauth_clients WHERE id = ${sqlText(clientId)} AND revoked IS NULL`,
  );
  if (active.length === 0) throw new TenantUsageError(`no active client "${clientId}" in tenant "${tenant}"`);
  await d1Execute(
    target,
    name,
    `UPDATE oauth_clients SET revoked = ${sqlText(new Date().toISOString())} WHERE id = ${sqlText(clientId)};`,
  );
}
