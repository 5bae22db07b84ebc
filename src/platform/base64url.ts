/**
 * base64url without padding (RFC 4648 §5), written once for every token, secret, session id,
 * cursor and JWT part. No imports: the CLI loads this file under Node (via tenants/tokens.ts).
 */
export function base64url(bytes: Uint8Array): string {
  // A loop, not String.fromCharCode(...bytes): a long input would overflow the argument list.
  let s = "";
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

/** `bytes` random bytes, base64url: every secret this service mints. */
export const randomBase64url = (bytes: number) => base64url(crypto.getRandomValues(new Uint8Array(bytes)));

const B64URL = /^[A-Za-z0-9_-]*$/;

/** The bytes of base64url text (padding optional), or null for anything else. */
export function base64urlDecode(text: string): Uint8Array | null {
  if (!B64URL.test(text) || text.length % 4 === 1) return null;
  const b64 = text.replace(/-/g, "+").replace(/_/g, "/") + "=".repeat((4 - (text.length % 4)) % 4);
  try {
    return Uint8Array.from(atob(b64), (ch) => ch.charCodeAt(0));
  } catch {
    return null;
  }
}
