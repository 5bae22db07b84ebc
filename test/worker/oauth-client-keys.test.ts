/**
 * RFC 7523 §2.2 `private_key_jwt` for registered clients: a client registered with its public
 * keys gets a token with a JWT signed by its private key. Keys and signatures are made by jose
 * in the test; the refusals are invalid_client with the reason in the audit log.
 */
import { exportJWK, generateKeyPair, type CryptoKey, SignJWT } from "jose";
import { describe, expect, it } from "vitest";
import { ORIGIN, adminClient } from "./helpers";
import { JWT_BEARER, oauthError, oauthRefusals, scimWith, tokenRequest } from "./oauth-helpers";

const TOKEN_ENDPOINT = `${ORIGIN}/t/acme/oauth/token`;

async function keyClient(alg: "ES256" | "RS256" = "ES256") {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  const admin = await adminClient("acme");
  const res = await admin.post("/oauth/clients", {
    name: "MDM back end",
    jwks: { keys: [{ ...(await exportJWK(publicKey)), kid: "k1", use: "sig" }] },
  });
  expect(res.status).toBe(201);
  const body = (await res.json()) as Record<string, unknown> & { clientId: string };
  return { admin, body, clientId: body.clientId, privateKey, alg };
}

type Client = Awaited<ReturnType<typeof keyClient>>;

const sign = (c: Pick<Client, "clientId" | "privateKey" | "alg">, over: Record<string, unknown> = {}, kid = "k1") => {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({
    iss: c.clientId,
    sub: c.clientId,
    aud: TOKEN_ENDPOINT,
    jti: crypto.randomUUID(),
    iat: now,
    exp: now + 300,
    ...over,
  })
    .setProtectedHeader({ alg: c.alg, kid })
    .sign(c.privateKey as CryptoKey);
};

const form = (assertion: string, extra: Record<string, string> = {}) => ({
  grant_type: "client_credentials",
  client_assertion_type: JWT_BEARER,
  client_assertion: assertion,
  ...extra,
});

async function refusedWith(assertion: string) {
  const res = await tokenRequest("acme", { form: form(assertion) });
  expect(res.status).toBe(401);
  expect((await oauthError(res)).error).toBe("invalid_client");
  return (await oauthRefusals("acme")).at(-1)!.detail.reason;
}

describe("private_key_jwt for registered clients", () => {
  for (const alg of ["ES256", "RS256"] as const) {
    it(`a client registered with an ${alg} key gets a token with a JWT it signed, and the token works`, async () => {
      const c = await keyClient(alg);
      expect(c.body).toMatchObject({ authMethod: "private_key_jwt", kids: ["k1"], tokenEndpoint: TOKEN_ENDPOINT });
      expect(c.body).not.toHaveProperty("clientSecret");
      const res = await tokenRequest("acme", { form: form(await sign(c), { client_id: c.clientId }) });
      expect(res.status).toBe(200);
      const { access_token } = (await res.json()) as { access_token: string };
      expect((await scimWith("acme", access_token)).status).toBe(200);
    });
  }

  it("takes the tenant's issuer as audience too, and client_id may be left out", async () => {
    const c = await keyClient();
    const res = await tokenRequest("acme", { form: form(await sign(c, { aud: `${ORIGIN}/t/acme` })) });
    expect(res.status).toBe(200);
  });

  it("refuses a replayed jti", async () => {
    const c = await keyClient();
    const assertion = await sign(c);
    expect((await tokenRequest("acme", { form: form(assertion) })).status).toBe(200);
    expect(await refusedWith(assertion)).toBe("the assertion's jti was already used");
  });

  it("refuses another audience, another issuer, an expired JWT, no jti, another key, and another tenant", async () => {
    const c = await keyClient();
    expect(await refusedWith(await sign(c, { aud: `${ORIGIN}/t/globex/oauth/token` }))).toBe(
      "the audience is not this tenant's",
    );
    expect(await refusedWith(await sign(c, { iss: "https://elsewhere.example" }))).toBe("iss is not the client id");
    const now = Math.floor(Date.now() / 1000);
    expect(await refusedWith(await sign(c, { exp: now - 120, iat: now - 600 }))).toBe("the assertion has expired");
    expect(await refusedWith(await sign(c, { jti: undefined }))).toBe("jti is missing");
    const other = await generateKeyPair("ES256");
    expect(await refusedWith(await sign({ ...c, privateKey: other.privateKey }))).toBe("the signature does not verify");
    expect(await refusedWith(await sign(c, {}, "k-unknown"))).toBe(
      "no registered key of this client fits the assertion",
    );
    const elsewhere = await tokenRequest("globex", { form: form(await sign(c)) });
    expect((await oauthError(elsewhere)).error).toBe("invalid_client");
  });

  it("a key client has no secret to present; a secret client has no keys; a revoked client is refused", async () => {
    const c = await keyClient();
    const basic = await tokenRequest("acme", {
      basic: [c.clientId, "scimcs_guess"],
      form: { grant_type: "client_credentials" },
    });
    expect((await oauthError(basic)).error).toBe("invalid_client");
    const secretClient = (await (await c.admin.post("/oauth/clients", { name: "secret" })).json()) as {
      clientId: string;
    };
    expect(await refusedWith(await sign({ ...c, clientId: secretClient.clientId }))).toBe(
      "the client has no registered keys (it uses a secret)",
    );
    expect((await c.admin.del(`/oauth/clients/${c.clientId}`)).status).toBe(204);
    expect(await refusedWith(await sign(c))).toBe("the client was revoked");
  });

  it("registers public keys only: private keys, short RSA keys, keys without kid or twice the same kid are refused", async () => {
    const admin = await adminClient("acme");
    const ec = await generateKeyPair("ES256", { extractable: true });
    const pub = { ...(await exportJWK(ec.publicKey)), kid: "a" };
    const rsa1024 = (await crypto.subtle.generateKey(
      { name: "RSASSA-PKCS1-v1_5", modulusLength: 1024, publicExponent: new Uint8Array([1, 0, 1]), hash: "SHA-256" },
      true,
      ["sign", "verify"],
    )) as CryptoKeyPair;
    const short = (await crypto.subtle.exportKey("jwk", rsa1024.publicKey)) as JsonWebKey;
    const cases: [unknown[], RegExp][] = [
      [[{ ...(await exportJWK(ec.privateKey)), kid: "a" }], /is a private key/],
      [[{ kty: short.kty, n: short.n, e: short.e, kid: "a" }], /under 2048 bits/],
      [[{ ...pub, kid: undefined }], /needs a kid/],
      [[pub, pub], /repeats another key's kid/],
      [[{ kty: "oct", k: "c2VjcmV0", kid: "a" }], /private key/],
      [[{ ...pub, crv: "P-384" }], /neither an RS256/],
      [[], /jwks/],
    ];
    for (const [keys, why] of cases) {
      const res = await admin.post("/oauth/clients", { name: "bad", jwks: { keys } });
      expect(res.status, JSON.stringify(keys).slice(0, 60)).toBe(400);
      expect(JSON.stringify(await res.json())).toMatch(why);
    }
  });
});
