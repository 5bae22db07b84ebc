/** Token formats and hashing (DESIGN.md, Requests; P2). Shared by the Worker and the CLI. */
export type TokenScope = "scim" | "admin";

export const TOKEN_PREFIX: Record<TokenScope, string> = { scim: "scim_", admin: "adm_" };
/** 32 random bytes, base64url without padding. */
export const TOKEN_PATTERN = /^(scim|adm)_[A-Za-z0-9_-]{43}$/;

/** What KV holds under `token:<sha256hex>`. */
export interface TokenRecord {
  tenant: string;
  tokenId: string;
  scope: TokenScope;
}

export const tokenKvKey = (hashHex: string) => `token:${hashHex}`;

export async function sha256Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

export function mintToken(scope: TokenScope): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  const b64 = btoa(String.fromCharCode(...bytes)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  return TOKEN_PREFIX[scope] + b64;
}
