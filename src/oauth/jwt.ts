import { base64urlDecode } from "../platform/base64url";

/** The JWT parts' decoding; tests use it from here. */
export { base64urlDecode };
/**
 * Compact JWS (RFC 7515) decoding and signature checks for client assertions, with WebCrypto.
 * Written here rather than taken from a library because only two algorithms are allowed and the
 * refusals (alg `none`, HMAC with a public key as the secret) must be explicit and tested.
 */

/** RFC 7518 §3.1 names of the only algorithms accepted; everything else, `none` and HS* included, is refused. */
export const ACCEPTED_ALGS = ["RS256", "ES256"] as const;
export type AcceptedAlg = (typeof ACCEPTED_ALGS)[number];

/** RFC 7518 §3.3: RSA keys for RS256 must be at least 2048 bits. */
const MIN_RSA_MODULUS_BYTES = 256;
/** RFC 7518 §3.4: an ES256 signature is r || s, 32 bytes each. */
const ES256_SIGNATURE_BYTES = 64;

export interface Jwk {
  kty?: string;
  kid?: string;
  alg?: string;
  use?: string;
  crv?: string;
  n?: string;
  e?: string;
  x?: string;
  y?: string;
}

export interface DecodedJwt {
  header: { alg?: unknown; kid?: unknown; typ?: unknown };
  payload: Record<string, unknown>;
  signingInput: Uint8Array;
  signature: Uint8Array;
}

function jsonObject(bytes: Uint8Array | null): Record<string, unknown> | null {
  if (!bytes) return null;
  try {
    const value = JSON.parse(new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes));
    return value !== null && typeof value === "object" && !Array.isArray(value) ? value : null;
  } catch {
    return null;
  }
}

/** Splits and decodes a compact JWS; null when it is not one. Nothing is trusted yet. */
export function decodeJwt(compact: string): DecodedJwt | null {
  const parts = compact.split(".");
  if (parts.length !== 3) return null;
  const header = jsonObject(base64urlDecode(parts[0]));
  const payload = jsonObject(base64urlDecode(parts[1]));
  const signature = base64urlDecode(parts[2]);
  if (!header || !payload || !signature) return null;
  return { header, payload, signature, signingInput: new TextEncoder().encode(`${parts[0]}.${parts[1]}`) };
}

export const isAcceptedAlg = (alg: unknown): alg is AcceptedAlg => ACCEPTED_ALGS.includes(alg as AcceptedAlg);

/** Whether a JWKS key may verify `alg`: right key type and curve, a signing key, no other alg. */
export function keyFits(jwk: Jwk, alg: AcceptedAlg): boolean {
  if (jwk.use !== undefined && jwk.use !== "sig") return false;
  if (jwk.alg !== undefined && jwk.alg !== alg) return false;
  if (alg === "RS256") return jwk.kty === "RSA" && typeof jwk.n === "string" && typeof jwk.e === "string";
  return jwk.kty === "EC" && jwk.crv === "P-256" && typeof jwk.x === "string" && typeof jwk.y === "string";
}

/**
 * Verifies the signature with one key. The key is imported from its public members only, with
 * the algorithm fixed by `alg` (already one of ACCEPTED_ALGS), so a header can never choose
 * HMAC and turn a public key into a shared secret.
 */
export async function verifyJwtSignature(jwt: DecodedJwt, alg: AcceptedAlg, jwk: Jwk): Promise<boolean> {
  try {
    if (alg === "RS256") {
      const modulus = base64urlDecode(jwk.n ?? "");
      if (!modulus || modulus.byteLength < MIN_RSA_MODULUS_BYTES) return false;
      const algorithm = { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" };
      const key = await crypto.subtle.importKey("jwk", { kty: "RSA", n: jwk.n, e: jwk.e }, algorithm, false, [
        "verify",
      ]);
      return await crypto.subtle.verify(algorithm, key, jwt.signature, jwt.signingInput);
    }
    if (jwt.signature.byteLength !== ES256_SIGNATURE_BYTES) return false;
    const key = await crypto.subtle.importKey(
      "jwk",
      { kty: "EC", crv: "P-256", x: jwk.x, y: jwk.y },
      { name: "ECDSA", namedCurve: "P-256" },
      false,
      ["verify"],
    );
    return await crypto.subtle.verify({ name: "ECDSA", hash: "SHA-256" }, key, jwt.signature, jwt.signingInput);
  } catch {
    // A key WebCrypto cannot import (bad coordinates, wrong sizes) verifies nothing.
    return false;
  }
}
