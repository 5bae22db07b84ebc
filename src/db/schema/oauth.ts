import { index, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

/** OAuth clients, federations and the tokens they obtain. */

/**
 * OAuth client credentials (RFC 6749 §4.4). One row per client id and secret pair, so a
 * tenant rotates by adding a client and revoking the old one; only the secret's SHA-256 is kept.
 */
export const oauthClients = sqliteTable("oauth_clients", {
  id: text("id").primaryKey(),
  name: text("name").notNull(),
  secretHash: text("secret_hash").notNull(),
  created: text("created").notNull(),
  /** Default one year after `created`, at most three (Entra's client secret lifetimes). */
  expires: text("expires").notNull(),
  /** When the client last obtained an access token. */
  lastUsed: text("last_used"),
  revoked: text("revoked"),
  /**
   * RFC 7523 §2.2 `private_key_jwt`: the client's public JWK set (JSON). A client registered with
   * keys authenticates with a signed assertion; its secret_hash is then of a secret never shown.
   */
  publicJwks: text("public_jwks"),
});

/** Workload identity federation (RFC 7523): whose signed JWT this tenant accepts as a client. */
export const oauthFederations = sqliteTable(
  "oauth_federations",
  {
    id: text("id").primaryKey(),
    name: text("name").notNull(),
    issuer: text("issuer").notNull(),
    subject: text("subject").notNull(),
    audience: text("audience").notNull(),
    jwksUrl: text("jwks_url").notNull(),
    created: text("created").notNull(),
    lastUsed: text("last_used"),
  },
  (t) => [uniqueIndex("oauth_federations_issuer_subject").on(t.issuer, t.subject)],
);

/**
 * Access tokens issued by the token endpoint, by SHA-256 hash. A token is good while it has not
 * expired AND its grant (client or federation) still stands, so revoking either stops it at once.
 */
export const oauthAccessTokens = sqliteTable(
  "oauth_access_tokens",
  {
    hash: text("hash").primaryKey(),
    id: text("id").notNull(),
    /** client | federation */
    grantKind: text("grant_kind").notNull(),
    /** oauth_clients.id or oauth_federations.id */
    grantId: text("grant_id").notNull(),
    created: text("created").notNull(),
    expires: text("expires").notNull(),
  },
  (t) => [index("oauth_access_tokens_expires").on(t.expires)],
);

/** RFC 7523 §3 item 7: a `jti` is accepted once per issuer, remembered until the assertion expires. */
export const oauthAssertionIds = sqliteTable(
  "oauth_assertion_ids",
  {
    issuer: text("issuer").notNull(),
    jti: text("jti").notNull(),
    expires: text("expires").notNull(),
  },
  (t) => [primaryKey({ columns: [t.issuer, t.jti] }), index("oauth_assertion_ids_expires").on(t.expires)],
);
