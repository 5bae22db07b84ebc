import { z } from "zod";
import { commit } from "../../events/commit";
import { audit } from "../../events/types";
import { clientJwks, storedJwks } from "../../oauth/client-keys";
import { CLIENT_NAME_MAX, DEFAULT_SECRET_DAYS, MAX_SECRET_DAYS, mintClient } from "../../oauth/credentials";
import {
  type ClientListing,
  type FederationRow,
  deleteFederationStatement,
  insertClientStatement,
  insertKeyClientStatement,
  insertFederationStatement,
  listClientsStatement,
  listFederationsStatement,
  revokeClientStatement,
} from "../../oauth/store";
import { clock } from "../../platform/clock";
import type { TenantContext } from "../../tenants/context";
import { adminError } from "../errors";

export type { ClientListing, FederationRow };
export { DEFAULT_SECRET_DAYS, MAX_SECRET_DAYS };

/** The URL Entra's "OAuth token endpoint" field takes, under the public base (http/public-url.ts). */
export const tokenEndpointUrl = (base: string, slug: string) => `${base}/t/${slug}/oauth/token`;

export const newClient = z
  .object({
    name: z.string().trim().min(1).max(CLIENT_NAME_MAX),
    expiresInDays: z.number().int().min(1).max(MAX_SECRET_DAYS).optional(),
    /** RFC 7523 §2.2: the client's public keys; it then authenticates with private_key_jwt, and gets no secret. */
    jwks: clientJwks.optional(),
  })
  .strict();
export type NewClient = z.infer<typeof newClient>;

export interface AddedClient {
  clientId: string;
  /** Shown once: only its hash is stored. */
  clientSecret: string;
  name: string;
  created: string;
  expires: string;
}

export const listClients = async (db: D1Database): Promise<ClientListing[]> =>
  (await listClientsStatement(db).all<ClientListing>()).results;

/** A new client id and secret; older clients keep working until revoked (rotation, as Entra does it). */
export async function addClient(t: TenantContext, input: NewClient): Promise<AddedClient> {
  const { name, expiresInDays } = input;
  const client = await mintClient(name, expiresInDays ?? DEFAULT_SECRET_DAYS, clock.now());
  const event = audit("admin", "oauth-client", "Tenant", null, { added: client.id, name, expires: client.expires });
  await commit(t, [insertClientStatement(t.db, client)], [event]);
  return { clientId: client.id, clientSecret: client.secret, name, created: client.created, expires: client.expires };
}

/**
 * A client that authenticates with a JWT signed by its own key (private_key_jwt): its public keys
 * are stored, and no secret is shown (the row's secret hash is of a random secret never shown).
 */
export async function addKeyClient(
  t: TenantContext,
  input: NewClient & { jwks: NonNullable<NewClient["jwks"]> },
): Promise<Omit<AddedClient, "clientSecret"> & { authMethod: "private_key_jwt"; kids: string[] }> {
  const { name, expiresInDays } = input;
  const client = await mintClient(name, expiresInDays ?? DEFAULT_SECRET_DAYS, clock.now());
  const jwks = storedJwks(input.jwks);
  const kids = (JSON.parse(jwks) as { keys: { kid: string }[] }).keys.map((k) => k.kid);
  const event = audit("admin", "oauth-client", "Tenant", null, {
    added: client.id,
    name,
    expires: client.expires,
    authMethod: "private_key_jwt",
    kids,
  });
  await commit(t, [insertKeyClientStatement(t.db, client, jwks)], [event]);
  return {
    clientId: client.id,
    name,
    created: client.created,
    expires: client.expires,
    authMethod: "private_key_jwt",
    kids,
  };
}

/** Revocation stops the client's access tokens at once: every SCIM request checks this row. */
export async function revokeClient(t: TenantContext, id: string): Promise<void> {
  const event = audit("admin", "oauth-client", "Tenant", null, { revoked: id.slice(0, 100) });
  const [res] = await commit(t, [revokeClientStatement(t.db, id, clock.iso())], [event], { ifLastChanged: true });
  if (res.meta.changes === 0) throw adminError(404, `No active OAuth client "${id.slice(0, 100)}".`);
}

const LOOPBACK_HOSTS = new Set(["127.0.0.1", "localhost", "[::1]"]);

export const JWKS_URL_RULE = "an https URL (http only for a loopback host)";

/** https, or http to a loopback host (local development and tests serve their own key set). */
const jwksUrl = z
  .string()
  .max(2048)
  .refine((s) => {
    const u = URL.canParse(s) ? new URL(s) : undefined;
    return u !== undefined && (u.protocol === "https:" || (u.protocol === "http:" && LOOPBACK_HOSTS.has(u.hostname)));
  }, JWKS_URL_RULE);

export const newFederation = z
  .object({
    name: z.string().trim().min(1).max(CLIENT_NAME_MAX),
    /** Entra: https://login.microsoftonline.com/<entra tenant id>/v2.0 */
    issuer: z.string().min(1).max(512),
    subject: z.string().min(1).max(512),
    audience: z.string().min(1).max(512),
    jwksUrl,
  })
  .strict();
export type NewFederation = z.infer<typeof newFederation>;

export const listFederations = async (db: D1Database): Promise<FederationRow[]> =>
  (await listFederationsStatement(db).all<FederationRow>()).results;

export async function addFederation(t: TenantContext, f: NewFederation): Promise<FederationRow> {
  const row = { id: crypto.randomUUID(), ...f, created: clock.iso() };
  const event = audit("admin", "oauth-federation", "Tenant", null, {
    added: row.id,
    name: f.name,
    issuer: f.issuer,
    subject: f.subject,
  });
  const [res] = await commit(t, [insertFederationStatement(t.db, row)], [event], { ifLastChanged: true });
  if (res.meta.changes === 0) {
    throw adminError(409, "A federation with this issuer and subject exists; remove it first.", "subject");
  }
  return { ...row, lastUsed: null };
}

/** Removing a federation stops the access tokens issued through it at once. */
export async function removeFederation(t: TenantContext, id: string): Promise<void> {
  const event = audit("admin", "oauth-federation", "Tenant", null, { removed: id.slice(0, 100) });
  const [res] = await commit(t, [deleteFederationStatement(t.db, id)], [event], { ifLastChanged: true });
  if (res.meta.changes === 0) throw adminError(404, `No federation "${id.slice(0, 100)}".`);
}
