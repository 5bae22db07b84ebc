import type { MintedToken, TokenScope } from "./tokens.ts";

/**
 * The SQL of the tenant's `tokens` table (docs/storage.md), written once for its three users:
 * the admin API (prepared statements), the tenant CLI (inlined into `wrangler d1 execute
 * --command`, which takes no parameters) and the test helpers. Shared with the CLI under Node:
 * type-only imports.
 */
export interface SqlText {
  sql: string;
  params: (string | null)[];
}

export interface TokenRow {
  id: string;
  scope: TokenScope;
  hash: string;
  created: string;
}

export const currentTokensSql = (): SqlText => ({
  sql: "SELECT id, scope, hash, created FROM tokens WHERE revoked IS NULL ORDER BY created",
  params: [],
});

/** The current tokens' ids and creation times, never their hashes (what the console shows). */
export const tokenStatusSql = (): SqlText => ({
  sql: "SELECT id, scope, created FROM tokens WHERE revoked IS NULL ORDER BY created DESC",
  params: [],
});

export const insertTokenSql = (t: MintedToken): SqlText => ({
  sql: "INSERT INTO tokens (id, scope, hash, created, revoked) VALUES (?1, ?2, ?3, ?4, NULL)",
  params: [t.id, t.scope, t.hash, t.created],
});

/** A named admin API key (docs/people.md): write (every right) or read (a viewer's). */
export const insertKeySql = (t: MintedToken, name: string, access: "read" | "write"): SqlText => ({
  sql: "INSERT INTO tokens (id, scope, hash, created, revoked, name, access) VALUES (?1, 'admin', ?2, ?3, NULL, ?4, ?5)",
  params: [t.id, t.hash, t.created, name, access],
});

/**
 * P2 rotation: the scope's current tokens are revoked and the new one inserted. Run as ONE batch
 * (a transaction), so the old token stops the moment the new one starts: the Worker checks
 * this table on every request, not KV (tenants/auth.ts).
 */
export const rotateTokenSql = (t: MintedToken, now: Date = new Date()): SqlText[] => [
  // Named admin API keys (docs/people.md) are not the scope's token: a rotation leaves them be.
  {
    sql: "UPDATE tokens SET revoked = ?1 WHERE scope = ?2 AND revoked IS NULL AND name IS NULL",
    params: [now.toISOString(), t.scope],
  },
  insertTokenSql(t),
];

/** Every current token stops (a tenant is removed). */
export const revokeAllTokensSql = (now: Date = new Date()): SqlText => ({
  sql: "UPDATE tokens SET revoked = ?1 WHERE revoked IS NULL",
  params: [now.toISOString()],
});

/** As a D1 prepared statement (typed structurally: the CLI's Node types have no D1Database). */
export const prepared = <S>(db: { prepare(sql: string): { bind(...values: unknown[]): S } }, s: SqlText): S =>
  db.prepare(s.sql).bind(...s.params);

/**
 * A setup link (docs/people.md) issued by the tenant CLI, with its audit event written to the
 * outbox in the same batch (the queue's sweep delivers it). Only the secret's hash is stored.
 */
export const insertSetupLinkSql = (link: {
  id: string;
  hash: string;
  role: string;
  email: string | null;
  created: string;
  expires: string;
}): SqlText[] => {
  const event = {
    kind: "audit",
    id: crypto.randomUUID(),
    at: link.created,
    actor: "admin",
    action: "setup-link",
    resourceType: "Tenant",
    resourceId: null,
    detail: { issued: link.id, role: link.role, email: link.email, expires: link.expires, via: "tenant CLI" },
  };
  return [
    {
      sql: "INSERT INTO setup_links (id, hash, role, email, created, expires, created_by) VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'cli')",
      params: [link.id, link.hash, link.role, link.email, link.created, link.expires],
    },
    {
      sql: "INSERT INTO outbox (id, kind, payload, created) VALUES (?1, 'audit', ?2, ?3)",
      params: [event.id, JSON.stringify(event), event.at],
    },
  ];
};
