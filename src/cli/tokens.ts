/**
 * Minting tenant tokens and the storage records that make them valid (DESIGN.md "Requests").
 * A token exists in clear text only in the value returned here; everything stored or passed to
 * wrangler is its SHA-256 hash.
 */
import { createHash, randomBytes, randomUUID } from "node:crypto";

export type TokenScope = "scim" | "admin";
export const TOKEN_SCOPES: readonly TokenScope[] = ["scim", "admin"];

/** Recognisable prefixes, so secret scanners can find a leaked token. */
export const TOKEN_PREFIX: Record<TokenScope, string> = { scim: "scim_", admin: "adm_" };
/** 256 bits of randomness: no need for a slow hash, SHA-256 of the token is enough. */
export const TOKEN_RANDOM_BYTES = 32;
/** KV key prefix of the token index: `token:<sha256hex>` -> TokenIndexEntry. */
export const TOKEN_KV_PREFIX = "token:";

export interface MintedToken {
  id: string;
  scope: TokenScope;
  /** The secret. Print it once; never store or log it. */
  token: string;
  hash: string;
  created: string;
}

/** Value of a `token:<hash>` KV entry (what the Worker reads to find the tenant). */
export interface TokenIndexEntry {
  tenant: string;
  tokenId: string;
  scope: TokenScope;
}

export function isTokenScope(value: string): value is TokenScope {
  return (TOKEN_SCOPES as readonly string[]).includes(value);
}

export function sha256Hex(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

export function mintToken(scope: TokenScope, now: Date = new Date()): MintedToken {
  const token = TOKEN_PREFIX[scope] + randomBytes(TOKEN_RANDOM_BYTES).toString("base64url");
  return { id: randomUUID(), scope, token, hash: sha256Hex(token), created: now.toISOString() };
}

export function tokenKvKey(hash: string): string {
  return TOKEN_KV_PREFIX + hash;
}

export function tokenKvValue(tenant: string, token: Pick<MintedToken, "id" | "scope">): string {
  const entry: TokenIndexEntry = { tenant, tokenId: token.id, scope: token.scope };
  return JSON.stringify(entry);
}

function sqlText(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

/**
 * One SQL text that revokes the current token of each scope being issued and inserts the new
 * ones. wrangler runs a multi-statement `--command` as one batch, so the switch is atomic: the
 * old token stops the moment the new one starts (the Worker checks this table, not KV).
 */
export function replaceTokensSql(tokens: readonly MintedToken[], now: Date = new Date()): string {
  const revokedAt = sqlText(now.toISOString());
  const statements = tokens.flatMap((t) => [
    `UPDATE tokens SET revoked = ${revokedAt} WHERE scope = ${sqlText(t.scope)} AND revoked IS NULL`,
    `INSERT INTO tokens (id, scope, hash, created, revoked) VALUES (${[t.id, t.scope, t.hash, t.created].map(sqlText).join(", ")}, NULL)`,
  ]);
  return statements.join("; ") + ";";
}

/** Revokes every current token (used when a tenant is removed). */
export function revokeAllTokensSql(now: Date = new Date()): string {
  return `UPDATE tokens SET revoked = ${sqlText(now.toISOString())} WHERE revoked IS NULL;`;
}

export const CURRENT_TOKENS_SQL = "SELECT id, scope, hash, created FROM tokens WHERE revoked IS NULL ORDER BY created";
