/**
 * Client assertions verified by jose (src/oauth/assertion.ts): the key policies that come from
 * it, with keys and signatures made in the test by jose and WebCrypto.
 */
import { exportJWK, generateKeyPair, SignJWT } from "jose";
import { describe, expect, it } from "vitest";
import {
  addFederation,
  assertionForm,
  claims,
  oauthError,
  oauthRefusals,
  publishJwks,
  tokenRequest,
} from "./oauth-helpers";

const b64url = (bytes: ArrayBuffer | Uint8Array) =>
  btoa(String.fromCharCode(...new Uint8Array(bytes)))
    .replace(/\+/g, "-")
    .replace(/\//g, "_")
    .replace(/=+$/, "");
const b64json = (v: unknown) => b64url(new TextEncoder().encode(JSON.stringify(v)));

async function refusalOf(tenant: string, assertion: string) {
  const res = await tokenRequest(tenant, { form: assertionForm(assertion) });
  expect(res.status).toBe(401);
  expect((await oauthError(res)).error).toBe("invalid_client");
  return (await oauthRefusals(tenant)).at(-1)!.detail.reason;
}

describe("assertion keys (jose)", () => {
  it("a token signed by jose with an ES256 key of the set is accepted", async () => {
    const { privateKey, publicKey } = await generateKeyPair("ES256");
    const jwks = await publishJwks([{ ...(await exportJWK(publicKey)), kid: "es", use: "sig" }]);
    const fed = await addFederation("acme", jwks.url);
    const jwt = await new SignJWT(claims(fed)).setProtectedHeader({ alg: "ES256", kid: "es" }).sign(privateKey);
    expect((await tokenRequest("acme", { form: assertionForm(jwt) })).status).toBe(200);
  });

  it("refuses an RS256 signature made with an RSA key under 2048 bits, though it is valid", async () => {
    const pair = (await crypto.subtle.generateKey(
      { name: "RSASSA-PKCS1-v1_5", modulusLength: 1024, publicExponent: new Uint8Array([1, 0, 1]), hash: "SHA-256" },
      true,
      ["sign", "verify"],
    )) as CryptoKeyPair;
    const { kty, n, e } = (await crypto.subtle.exportKey("jwk", pair.publicKey)) as JsonWebKey;
    const jwks = await publishJwks([{ kty, n, e, kid: "short", use: "sig" }]);
    const fed = await addFederation("acme", jwks.url);
    const input = `${b64json({ alg: "RS256", kid: "short" })}.${b64json(claims(fed))}`;
    const sig = await crypto.subtle.sign("RSASSA-PKCS1-v1_5", pair.privateKey, new TextEncoder().encode(input));
    expect(await refusalOf("acme", `${input}.${b64url(sig)}`)).toBe(
      "the key cannot verify: RS256 requires key modulusLength to be 2048 bits or larger",
    );
  });

  it("uses only a key's public members: a set that also publishes the private part verifies, never signs", async () => {
    const { privateKey } = await generateKeyPair("ES256", { extractable: true });
    const full = await exportJWK(privateKey);
    const jwks = await publishJwks([{ ...full, kid: "leaky", use: "sig" }]);
    const fed = await addFederation("acme", jwks.url);
    const jwt = await new SignJWT(claims(fed)).setProtectedHeader({ alg: "ES256", kid: "leaky" }).sign(privateKey);
    expect((await tokenRequest("acme", { form: assertionForm(jwt) })).status).toBe(200);
  });

  it("refuses a key of the wrong type for the header's alg, and a kid that is not a string", async () => {
    const { privateKey, publicKey } = await generateKeyPair("ES256");
    const jwks = await publishJwks([{ ...(await exportJWK(publicKey)), kid: "ec", use: "sig" }]);
    const fed = await addFederation("acme", jwks.url);
    const rs = await generateKeyPair("RS256");
    const asRsa = await new SignJWT(claims(fed)).setProtectedHeader({ alg: "RS256", kid: "ec" }).sign(rs.privateKey);
    expect(await refusalOf("acme", asRsa)).toBe("no RS256 key with this kid in the key set");
    const numericKid = await new SignJWT(claims(fed))
      .setProtectedHeader({ alg: "ES256", kid: 7 as unknown as string })
      .sign(privateKey);
    expect(await refusalOf("acme", numericKid)).toBe("kid is not a string");
  });
});
