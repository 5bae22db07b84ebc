import { exportJWK, generateKeyPair, importJWK, type JWK, SignJWT } from "jose";
import { randomBase64url } from "../platform/base64url";

/**
 * Signing of what is sent: Standard Webhooks HMAC-SHA256 (WebCrypto) for the `json` format,
 * ES256 SETs (RFC 8417, `typ: secevent+jwt`, signed by `jose`) for the `set` format. Receivers
 * verify with their own libraries (docs/events.md); the tests do so with `standardwebhooks` and `jose`.
 */
const enc = new TextEncoder();

const base64 = (bytes: Uint8Array) => btoa(String.fromCharCode(...bytes));

export const SECRET_PREFIX = "whsec_";

/** Standard Webhooks: `whsec_` + base64 of 32 random key bytes. */
export function newWebhookSecret(): string {
  return SECRET_PREFIX + base64(crypto.getRandomValues(new Uint8Array(32)));
}

const hmacKeys = new Map<string, Promise<CryptoKey>>();

function hmacKey(secret: string): Promise<CryptoKey> {
  let key = hmacKeys.get(secret);
  if (!key) {
    const raw = Uint8Array.from(atob(secret.slice(SECRET_PREFIX.length)), (c) => c.charCodeAt(0));
    key = crypto.subtle.importKey("raw", raw, { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
    if (hmacKeys.size > 256) hmacKeys.clear();
    hmacKeys.set(secret, key);
  }
  return key;
}

/** `webhook-signature`: `v1,` + base64 HMAC-SHA256 of `<id>.<timestamp>.<body>`. */
export async function standardSignature(secret: string, id: string, timestamp: number, body: string): Promise<string> {
  const mac = await crypto.subtle.sign("HMAC", await hmacKey(secret), enc.encode(`${id}.${timestamp}.${body}`));
  return `v1,${base64(new Uint8Array(mac))}`;
}

export interface SigningKey {
  kid: string;
  privateJwk: JsonWebKey;
  publicJwk: JsonWebKey & { kid: string; alg: "ES256"; use: "sig" };
}

/** A new ES256 (P-256) key pair for the tenant's SETs. */
export async function newSigningKey(): Promise<SigningKey> {
  const pair = await generateKeyPair("ES256", { extractable: true });
  const kid = randomBase64url(12);
  const privateJwk = (await exportJWK(pair.privateKey)) as JsonWebKey;
  const { kty, crv, x, y } = (await exportJWK(pair.publicKey)) as JsonWebKey;
  return { kid, privateJwk, publicJwk: { kty, crv, x, y, kid, alg: "ES256", use: "sig" } };
}

const privateKeys = new Map<string, ReturnType<typeof importJWK>>();

function privateKey(kid: string, jwk: JsonWebKey) {
  let key = privateKeys.get(kid);
  if (!key) {
    key = importJWK(jwk as JWK, "ES256");
    if (privateKeys.size > 256) privateKeys.clear();
    privateKeys.set(kid, key);
  }
  return key;
}

/** A compact JWS of the SET's claims, ES256 with the tenant's current key (RFC 8417 §2.3 `typ`). */
export async function signSet(key: Pick<SigningKey, "kid" | "privateJwk">, claims: object): Promise<string> {
  return new SignJWT(claims as Record<string, unknown>)
    .setProtectedHeader({ alg: "ES256", typ: "secevent+jwt", kid: key.kid })
    .sign(await privateKey(key.kid, key.privateJwk));
}
