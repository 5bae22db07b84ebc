import { decodeJwt as decodePayload, decodeProtectedHeader, type JWK } from "jose";
import { base64urlDecode } from "../platform/base64url";

/** The JWT parts' decoding; tests use it from here. */
export { base64urlDecode };

/**
 * Client assertions (RFC 7523) are decoded and verified by `jose`; this file holds the policy
 * on top of it: the only algorithms accepted, and which keys of an issuer's set may verify one.
 */

/** RFC 7518 §3.1 names of the only algorithms accepted; everything else, `none` and HS* included, is refused. */
export const ACCEPTED_ALGS = ["RS256", "ES256"] as const;
export type AcceptedAlg = (typeof ACCEPTED_ALGS)[number];

export type Jwk = JWK;

export interface DecodedJwt {
  header: { alg?: unknown; kid?: unknown; typ?: unknown };
  payload: Record<string, unknown>;
}

const B64URL = /^[A-Za-z0-9_-]*$/;

/**
 * A compact JWS's header and claims, not yet trusted (jose's decoders); null when it is not one.
 * The signature part must at least be base64url: jose reads it only when verifying.
 */
export function decodeJwt(compact: string): DecodedJwt | null {
  const parts = compact.split(".");
  if (parts.length !== 3 || !B64URL.test(parts[2])) return null;
  try {
    return { header: decodeProtectedHeader(compact), payload: decodePayload(compact) };
  } catch {
    return null;
  }
}

export const isAcceptedAlg = (alg: unknown): alg is AcceptedAlg => ACCEPTED_ALGS.includes(alg as AcceptedAlg);

/** Whether a key set's key may verify `alg`: right key type and curve, a signing key, no other alg. */
export function keyFits(jwk: Jwk, alg: AcceptedAlg): boolean {
  if (jwk.use !== undefined && jwk.use !== "sig") return false;
  if (jwk.alg !== undefined && jwk.alg !== alg) return false;
  if (alg === "RS256") return jwk.kty === "RSA" && typeof jwk.n === "string" && typeof jwk.e === "string";
  return jwk.kty === "EC" && jwk.crv === "P-256" && typeof jwk.x === "string" && typeof jwk.y === "string";
}

/**
 * The key's public members only, for `alg` only: a header can never choose HMAC and turn a
 * public key into a shared secret, and a set that (wrongly) publishes a private member is not
 * used as a private key.
 */
export const publicPart = (jwk: Jwk, alg: AcceptedAlg): Jwk =>
  alg === "RS256" ? { kty: "RSA", n: jwk.n, e: jwk.e } : { kty: "EC", crv: "P-256", x: jwk.x, y: jwk.y };
