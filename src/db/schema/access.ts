import { index, sqliteTable, text } from "drizzle-orm/sqlite-core";

/** Credentials that open the tenant: SCIM/admin tokens and console sessions. */

/**
 * The truth for token validity (P2). KV maps a token hash to its tenant and id, but KV is
 * eventually consistent, so a token is valid only while its row here is not revoked.
 */
export const tokens = sqliteTable("tokens", {
  id: text("id").primaryKey(),
  /** scim | admin */
  scope: text("scope").notNull(),
  hash: text("hash").notNull(),
  created: text("created").notNull(),
  revoked: text("revoked"),
  /** An admin API key's name; the token minted by the CLI has none and reads as "initial". */
  name: text("name"),
  /** An admin API key's reach: write (default) or read. */
  access: text("access").notNull().default("write"),
  /** When an admin API key was last used (at most once a minute). */
  lastUsed: text("last_used"),
});

/**
 * Admin console sessions. Only the SHA-256 of the session id (the cookie's value) is
 * stored; a session is good until `expires` and only while what it is bound to holds: with
 * `kind` key, `token_id` is an admin API key that is not revoked; with `kind` person, `token_id`
 * is an admin (people.ts) who is not removed. So a revocation or a removal ends it at once.
 */
export const consoleSessions = sqliteTable(
  "console_sessions",
  {
    hash: text("hash").primaryKey(),
    tokenId: text("token_id").notNull(),
    /** key | person */
    kind: text("kind").notNull().default("key"),
    created: text("created").notNull(),
    expires: text("expires").notNull(),
  },
  (t) => [index("console_sessions_expires").on(t.expires)],
);
