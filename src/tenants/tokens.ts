/**
 * Token formats and hashing (DESIGN.md, Requests; P2). Shared by the Worker and the CLI (which
 * imports this file under Node: no imports, Web Crypto only). A token exists in clear text only
 * in what mintToken returns; everything stored is its SHA-256 hash.
 */
export type TokenScope = "scim" | "admin";
export const TOKEN_SCOPES: readonly TokenScope[] = ["scim", "admin"];

/** Recognisable prefixes, so secret scanners can find a leaked token. */
export const TOKEN_PREFIX: Record<TokenScope, string> = { scim: "scim_", admin: "adm_" };
/** 256 bits of randomness: no need for a slow hash, SHA-256 of the token is enough. */
export const TOKEN_RANDOM_BYTES = 32;
/** 32 random bytes, base64url without padding. */
export const TOKEN_PATTERN = /^(scim|adm)_[A-Za-z0-9_-]{43}$/;

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
  const bytes = crypto.getRandomValues(new Uint8Array(TOKEN_RANDOM_BYTES));
  const b64 = btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, "-")
    .replace(/\//g, "_")
    .replace(/=+$/, "");
  const token = TOKEN_PREFIX[scope] + b64;
  return { id: crypto.randomUUID(), scope, token, hash: await sha256Hex(token), created: now.toISOString() };
}
