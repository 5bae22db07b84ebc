/**
 * Token formats and hashing (docs/storage.md; P2). Shared by the Worker and the CLI (which
 * imports this file under Node: Web Crypto only, and one import without imports of its own). A token exists in clear text only
 * in what mintToken returns; everything stored is its SHA-256 hash.
 */
import { randomBase64url } from "../platform/base64url.ts";

/** Re-exported for the OAuth credentials, which the CLI loads beside this file. */
export { randomBase64url };
export type TokenScope = "scim" | "admin";
export const TOKEN_SCOPES: readonly TokenScope[] = ["scim", "admin"];

/** Recognisable prefixes, so secret scanners can find a leaked token. */
export const TOKEN_PREFIX: Record<TokenScope, string> = { scim: "scim_", admin: "adm_" };
/** 256 bits of randomness: no need for a slow hash, SHA-256 of the token is enough. */
export const TOKEN_RANDOM_BYTES = 32;
/** 32 random bytes, base64url without padding. */
export const TOKEN_PATTERN = /^(scim|adm)_[A-Za-z0-9_-]{43}$/;

/** OAuth: client ids, client secrets and access tokens, 16 or 32 random bytes each. */
export const CLIENT_ID_PREFIX = "scimc_";
export const CLIENT_SECRET_PREFIX = "scimcs_";
export const ACCESS_TOKEN_PREFIX = "scimat_";
export const CLIENT_ID_PATTERN = /^scimc_[A-Za-z0-9_-]{22}$/;
export const CLIENT_SECRET_PATTERN = /^scimcs_[A-Za-z0-9_-]{43}$/;
export const ACCESS_TOKEN_PATTERN = /^scimat_[A-Za-z0-9_-]{43}$/;

/** Endpoint-scoped RFC 8936 poll tokens (webhooks/poll-tokens.ts), 32 random bytes. */
export const POLL_TOKEN_PREFIX = "scimep_";
export const POLL_TOKEN_PATTERN = /^scimep_[A-Za-z0-9_-]{43}$/;

/** Single-use setup links that make a person an admin (docs/people.md), 32 random bytes. */
export const SETUP_LINK_PREFIX = "scimsl_";
export const SETUP_LINK_PATTERN = /^scimsl_[A-Za-z0-9_-]{43}$/;

/** Every prefix of a secret this service mints; redaction (activity/redact.ts) looks for them. */
export const SECRET_PREFIXES = [
  TOKEN_PREFIX.scim,
  TOKEN_PREFIX.admin,
  CLIENT_SECRET_PREFIX,
  ACCESS_TOKEN_PREFIX,
  POLL_TOKEN_PREFIX,
  SETUP_LINK_PREFIX,
];

/** What KV holds under `token:<sha256hex>`. */
export interface TokenRecord {
  tenant: string;
  tokenId: string;
  scope: TokenScope;
}

/** A new token and its `tokens` row (see token-rows.ts). */
export interface MintedToken {
  id: string;
  scope: TokenScope;
  /** The secret. Show it once; never store or log it. */
  token: string;
  hash: string;
  created: string;
}

export const isTokenScope = (value: string): value is TokenScope => (TOKEN_SCOPES as readonly string[]).includes(value);

export const tokenKvKey = (hashHex: string) => `token:${hashHex}`;

export const tokenKvValue = (tenant: string, token: Pick<MintedToken, "id" | "scope">) =>
  JSON.stringify({ tenant, tokenId: token.id, scope: token.scope } satisfies TokenRecord);

export async function sha256Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

export async function mintToken(scope: TokenScope, now: Date = new Date()): Promise<MintedToken> {
  const token = TOKEN_PREFIX[scope] + randomBase64url(TOKEN_RANDOM_BYTES);
  return { id: crypto.randomUUID(), scope, token, hash: await sha256Hex(token), created: now.toISOString() };
}
