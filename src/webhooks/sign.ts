/**
 * Signing of what is sent (pure, WebCrypto): Standard Webhooks HMAC-SHA256 for the `json`
 * format, ES256 SETs (RFC 8417, `typ: secevent+jwt`) for the `set` format. Receivers verify
 * with their own libraries (README "Events out"); the tests do so with `standardwebhooks` and `jose`.
 */
const enc = new TextEncoder();

const base64 = (bytes: Uint8Array) => btoa(String.fromCharCode(...bytes));
const base64url = (bytes: Uint8Array) => base64(bytes).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
const b64urlJson = (v: unknown) => base64url(enc.encode(JSON.stringify(v)));

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
  const pair = (await crypto.subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, true, [
    "sign",
    "verify",
  ])) as CryptoKeyPair;
  const kid = base64url(crypto.getRandomValues(new Uint8Array(12)));
  const privateJwk = (await crypto.subtle.exportKey("jwk", pair.privateKey)) as JsonWebKey;
  const { kty, crv, x, y } = (await crypto.subtle.exportKey("jwk", pair.publicKey)) as JsonWebKey;
  return { kid, privateJwk, publicJwk: { kty, crv, x, y, kid, alg: "ES256", use: "sig" } };
}

const privateKeys = new Map<string, Promise<CryptoKey>>();

function privateKey(kid: string, jwk: JsonWebKey): Promise<CryptoKey> {
  let key = privateKeys.get(kid);
  if (!key) {
    key = crypto.subtle.importKey("jwk", jwk, { name: "ECDSA", namedCurve: "P-256" }, false, ["sign"]);
    if (privateKeys.size > 256) privateKeys.clear();
    privateKeys.set(kid, key);
  }
  return key;
}

/** A compact JWS (ES256; WebCrypto's ECDSA signature is already JOSE's r||s form). */
export async function signSet(key: Pick<SigningKey, "kid" | "privateJwk">, claims: object): Promise<string> {
  const input = `${b64urlJson({ alg: "ES256", typ: "secevent+jwt", kid: key.kid })}.${b64urlJson(claims)}`;
  const sig = await crypto.subtle.sign(
    { name: "ECDSA", hash: "SHA-256" },
    await privateKey(key.kid, key.privateJwk),
    enc.encode(input),
  );
  return `${input}.${base64url(new Uint8Array(sig))}`;
}
