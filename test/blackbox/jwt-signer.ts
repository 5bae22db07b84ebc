/**
 * Client assertions for the OAuth federation tests (issue 11), signed with WebCrypto keys made
 * in the test, plus the forgeries an attacker would try. Runs in workerd and in Node alike.
 */
const b64url = (bytes: Uint8Array | ArrayBuffer) =>
  btoa(String.fromCharCode(...new Uint8Array(bytes)))
    .replace(/\+/g, "-")
    .replace(/\//g, "_")
    .replace(/=+$/, "");
const b64json = (v: unknown) => b64url(new TextEncoder().encode(JSON.stringify(v)));

export interface Signer {
  alg: "RS256" | "ES256";
  kid: string;
  publicJwk: JsonWebKey & { kid: string };
  sign(payload: Record<string, unknown>, header?: Record<string, unknown>): Promise<string>;
}

export async function makeSigner(alg: "RS256" | "ES256", kid: string = crypto.randomUUID()): Promise<Signer> {
  const params =
    alg === "RS256"
      ? { name: "RSASSA-PKCS1-v1_5", modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: "SHA-256" }
      : { name: "ECDSA", namedCurve: "P-256" };
  const pair = (await crypto.subtle.generateKey(params, true, ["sign", "verify"])) as CryptoKeyPair;
  const exported = (await crypto.subtle.exportKey("jwk", pair.publicKey)) as JsonWebKey;
  const publicJwk = { ...exported, kid, use: "sig" };
  delete (publicJwk as Record<string, unknown>).key_ops;
  delete (publicJwk as Record<string, unknown>).ext;
  return {
    alg,
    kid,
    publicJwk,
    async sign(payload, header = {}) {
      const input = `${b64json({ alg, typ: "JWT", kid, ...header })}.${b64json(payload)}`;
      const algo = alg === "RS256" ? { name: "RSASSA-PKCS1-v1_5" } : { name: "ECDSA", hash: "SHA-256" };
      const sig = await crypto.subtle.sign(algo, pair.privateKey, new TextEncoder().encode(input));
      return `${input}.${b64url(sig)}`;
    },
  };
}

/** An unsigned (alg none) or HMAC-signed token, as an attacker would forge them. */
export async function forge(
  payload: Record<string, unknown>,
  header: Record<string, unknown>,
  hmacSecret?: string,
): Promise<string> {
  const input = `${b64json(header)}.${b64json(payload)}`;
  if (!hmacSecret) return `${input}.`;
  const key = await crypto.subtle.importKey(
    "raw",
    new TextEncoder().encode(hmacSecret),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign"],
  );
  return `${input}.${b64url(await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(input)))}`;
}
