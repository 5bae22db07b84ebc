/** The tenant D1 statements of the OAuth flows (tables: drizzle/0006_oauth.sql, docs/storage.md). */
import type { Federation } from "./assertion";
import { type ClientListing, INSERT_CLIENT_SQL, LIST_CLIENTS_SQL, type MintedClient, clientRow } from "./credentials";

export type { ClientListing };

export interface ClientRow {
  id: string;
  secret_hash: string;
  expires: string;
  revoked: string | null;
  /** The registered public keys (private_key_jwt), JSON; null for a client with a secret. */
  public_jwks: string | null;
}

export type Grant = { kind: "client"; id: string } | { kind: "federation"; id: string };

export const clientStatement = (db: D1Database, clientId: string) =>
  db.prepare("SELECT id, secret_hash, expires, revoked, public_jwks FROM oauth_clients WHERE id = ?1").bind(clientId);

export const federationsStatement = (db: D1Database) =>
  db.prepare("SELECT id, name, issuer, subject, audience, jwks_url AS jwksUrl FROM oauth_federations");

export const lifetimeStatement = (db: D1Database) =>
  db.prepare("SELECT key, value FROM settings WHERE key = 'accessTokenLifetime'");

/**
 * Stores a new access token (its hash only) and marks the grant used. Expired tokens go in the
 * same batch, so the table holds about one row per client and hour. With `jti`, the assertion id
 * is recorded first and the token is stored only when that insert happened (`changes()`): a
 * replayed assertion gets no token, even when two arrive at once (the batch is a transaction).
 */
export async function storeAccessToken(
  db: D1Database,
  grant: Grant,
  token: { id: string; hash: string; created: string; expires: string },
  jti?: { issuer: string; value: string; expires: string },
): Promise<boolean> {
  const guard = jti ? "WHERE changes() > 0" : "";
  const table = grant.kind === "client" ? "oauth_clients" : "oauth_federations";
  const statements = [
    db.prepare("DELETE FROM oauth_access_tokens WHERE expires <= ?1").bind(token.created),
    ...(jti
      ? [
          db.prepare("DELETE FROM oauth_assertion_ids WHERE expires <= ?1").bind(token.created),
          db
            .prepare(
              "INSERT INTO oauth_assertion_ids (issuer, jti, expires) VALUES (?1, ?2, ?3) ON CONFLICT DO NOTHING",
            )
            .bind(jti.issuer, jti.value, jti.expires),
        ]
      : []),
    db
      .prepare(
        `INSERT INTO oauth_access_tokens (hash, id, grant_kind, grant_id, created, expires)
         SELECT ?1, ?2, ?3, ?4, ?5, ?6 ${guard}`,
      )
      .bind(token.hash, token.id, grant.kind, grant.id, token.created, token.expires),
    db.prepare(`UPDATE ${table} SET last_used = ?2 WHERE id = ?1 AND changes() > 0`).bind(grant.id, token.created),
  ];
  const results = await db.batch(statements);
  return (results[statements.length - 2].meta.changes ?? 0) > 0;
}

/* Client and federation management (admin API and console, through admin/services/oauth.ts). */

/** A federation as listed: what the assertion check reads (oauth/assertion.ts), and its dates. */
export interface FederationRow extends Federation {
  created: string;
  lastUsed: string | null;
}

export const listClientsStatement = (db: D1Database) => db.prepare(LIST_CLIENTS_SQL);

export const insertClientStatement = (db: D1Database, c: MintedClient) =>
  db.prepare(INSERT_CLIENT_SQL).bind(...clientRow(c));

/** A client that authenticates with its keys (private_key_jwt); its minted secret is never shown. */
export const insertKeyClientStatement = (db: D1Database, c: MintedClient, publicJwks: string) =>
  db
    .prepare(
      "INSERT INTO oauth_clients (id, name, secret_hash, created, expires, public_jwks) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )
    .bind(...clientRow(c), publicJwks);

export const revokeClientStatement = (db: D1Database, clientId: string, nowIso: string) =>
  db.prepare("UPDATE oauth_clients SET revoked = ?2 WHERE id = ?1 AND revoked IS NULL").bind(clientId, nowIso);

const FEDERATION_COLUMNS = "id, name, issuer, subject, audience, jwks_url AS jwksUrl, created, last_used AS lastUsed";

export const listFederationsStatement = (db: D1Database) =>
  db.prepare(`SELECT ${FEDERATION_COLUMNS} FROM oauth_federations ORDER BY created`);

/** One config per (issuer, subject): a second one changes nothing (the caller answers 409). */
export const insertFederationStatement = (db: D1Database, f: Omit<FederationRow, "lastUsed">) =>
  db
    .prepare(
      `INSERT INTO oauth_federations (id, name, issuer, subject, audience, jwks_url, created)
       VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT (issuer, subject) DO NOTHING`,
    )
    .bind(f.id, f.name, f.issuer, f.subject, f.audience, f.jwksUrl, f.created);

export const deleteFederationStatement = (db: D1Database, id: string) =>
  db.prepare("DELETE FROM oauth_federations WHERE id = ?1").bind(id);
