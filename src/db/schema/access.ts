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
});

/**
 * Admin console sessions (issue 9). Only the SHA-256 of the session id (the cookie's value) is
 * stored; a session is good until `expires` and only while its admin token (`token_id`) is not
 * revoked, so a rotation of the admin token ends it.
 */
export const consoleSessions = sqliteTable(
  "console_sessions",
  {
    hash: text("hash").primaryKey(),
    tokenId: text("token_id").notNull(),
    created: text("created").notNull(),
    expires: text("expires").notNull(),
  },
  (t) => [index("console_sessions_expires").on(t.expires)],
);
