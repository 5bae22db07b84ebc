import type { TokenScope } from "./tokens";

/**
 * Rotation in one batch: every current token of the scope is revoked (RETURNING its hash, so
 * its KV entry can go) and the new hash stored. D1 is the truth for revocation (tenants/auth.ts).
 */
export const rotateTokenStatements = (db: D1Database, scope: TokenScope, token: { id: string; hash: string; now: string }) => [
  db.prepare("UPDATE tokens SET revoked = ?2 WHERE scope = ?1 AND revoked IS NULL RETURNING hash").bind(scope, token.now),
  db.prepare("INSERT INTO tokens (id, scope, hash, created) VALUES (?1, ?2, ?3, ?4)").bind(token.id, scope, token.hash, token.now),
];

/** The current tokens' ids and creation times (never their hashes). */
export const currentTokensStatement = (db: D1Database) =>
  db.prepare("SELECT id, scope, created FROM tokens WHERE revoked IS NULL ORDER BY created DESC");
