import { index, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

/** Named admins, the setup links that make them, and the state of a sign-in in flight (docs/people.md). */

/**
 * A person who administers the tenant, known by their identity provider's issuer and subject
 * (Microsoft: the `tid`-issuer and `oid`, which is stable across apps, unlike `sub`). Removing sets
 * `removed`; their sessions stop at once because the session check joins this row.
 */
export const admins = sqliteTable(
  "admins",
  {
    id: text("id").primaryKey(),
    /** owner | admin | viewer */
    role: text("role").notNull(),
    /** microsoft | oidc */
    provider: text("provider").notNull(),
    issuer: text("issuer").notNull(),
    subject: text("subject").notNull(),
    email: text("email").notNull(),
    name: text("name").notNull(),
    created: text("created").notNull(),
    lastSignIn: text("last_sign_in"),
    removed: text("removed"),
  },
  (t) => [uniqueIndex("admins_identity").on(t.issuer, t.subject)],
);

/**
 * A single-use link that makes whoever follows it (and signs in) an admin with `role`. Only the
 * SHA-256 of the link's secret is kept; `used` is set in the same batch that adds the admin.
 */
export const setupLinks = sqliteTable(
  "setup_links",
  {
    id: text("id").primaryKey(),
    hash: text("hash").notNull(),
    role: text("role").notNull(),
    /** When set, only a person whose verified email is this may use the link (an invitation). */
    email: text("email"),
    created: text("created").notNull(),
    expires: text("expires").notNull(),
    /** The audit actor who issued it. */
    createdBy: text("created_by").notNull(),
    used: text("used"),
    usedBy: text("used_by"),
  },
  (t) => [uniqueIndex("setup_links_hash").on(t.hash)],
);

/**
 * A sign-in between the redirect to the provider and its callback: state (its hash is the key),
 * nonce and PKCE verifier, bound to the browser by the hash of a `__Host-` cookie. Deleted when
 * the callback reads it, so a state or nonce replayed finds nothing.
 */
export const signinFlows = sqliteTable(
  "signin_flows",
  {
    hash: text("hash").primaryKey(),
    browser: text("browser").notNull(),
    /** "microsoft", or the id of a signin_providers row */
    provider: text("provider").notNull(),
    nonce: text("nonce").notNull(),
    verifier: text("verifier").notNull(),
    linkId: text("link_id"),
    expires: text("expires").notNull(),
  },
  (t) => [index("signin_flows_expires").on(t.expires)],
);

/** The Microsoft Entra tenants (`tid`) whose people may sign in; the first comes with the first owner. */
export const entraTenants = sqliteTable("entra_tenants", {
  tid: text("tid").primaryKey(),
  added: text("added").notNull(),
});

/** Any other OpenID Connect provider (Okta, Google Workspace, ...), configured per tenant. */
export const signinProviders = sqliteTable("signin_providers", {
  id: text("id").primaryKey(),
  name: text("name").notNull(),
  issuer: text("issuer").notNull(),
  clientId: text("client_id").notNull(),
  /** Sealed (never in clear), or null for a public client (PKCE only). */
  clientSecret: text("client_secret"),
  created: text("created").notNull(),
});
