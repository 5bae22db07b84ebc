/**
 * Issue 11: workload identity federation (RFC 7523 client assertions). Keys are made with
 * WebCrypto in the test and served by a real local JWKS host (test/blackbox/jwks-server.ts);
 * every refusal is invalid_client (RFC 7521 §4.2.1), audited without the assertion (P23).
 */
import { afterEach, describe, expect, it } from "vitest";
import {
  addFederation,
  assertionForm,
  claims,
  forge,
  jwksHits,
  makeSigner,
  oauthError,
  oauthRefusals,
  publishJwks,
  scimWith,
  setClock,
  tokenRequest,
} from "./oauth-helpers";

afterEach(() => setClock(0));

async function setup(alg: "RS256" | "ES256" = "RS256") {
  const signer = await makeSigner(alg);
  const jwks = await publishJwks([signer.publicJwk]);
  const fed = await addFederation("acme", jwks.url);
  return { signer, jwks, fed };
}

for (const alg of ["RS256", "ES256"] as const) {
  it(`a good ${alg} assertion gets a token that works on SCIM`, async () => {
    const { signer, fed } = await setup(alg);
    const res = await tokenRequest("acme", { form: assertionForm(await signer.sign(claims(fed))) });
    expect(res.status).toBe(200);
    expect(res.headers.get("Cache-Control")).toBe("no-store");
    const body = await res.json<any>();
    expect(body).toMatchObject({ token_type: "Bearer", expires_in: 3600, scope: "scim" });
    expect((await scimWith("acme", body.access_token)).status).toBe(200);
  });
}

it("client_id, when sent, must be the assertion's subject", async () => {
  const { signer, fed } = await setup();
  const ok = await tokenRequest("acme", {
    form: assertionForm(await signer.sign(claims(fed)), { client_id: fed.subject }),
  });
  expect(ok.status).toBe(200);
  const bad = await tokenRequest("acme", {
    form: assertionForm(await signer.sign(claims(fed)), { client_id: "someone-else" }),
  });
  expect((await oauthError(bad)).error).toBe("invalid_client");
});

it("removing the federation stops its access tokens at once", async () => {
  const { signer, fed } = await setup();
  const token = (
    await (await tokenRequest("acme", { form: assertionForm(await signer.sign(claims(fed))) })).json<any>()
  ).access_token;
  expect((await scimWith("acme", token)).status).toBe(200);
  expect((await fed.admin.del(`/oauth/federations/${fed.id}`)).status).toBe(204);
  expect((await scimWith("acme", token)).status).toBe(401);
});

it("a federation of one tenant grants nothing on another", async () => {
  const { signer, fed } = await setup();
  const res = await tokenRequest("globex", { form: assertionForm(await signer.sign(claims(fed))) });
  expect((await oauthError(res)).error).toBe("invalid_client");
});

describe("refusals: invalid_client with the reason in the audit log", () => {
  const now = () => Math.floor(Date.now() / 1000);
  type Ctx = Awaited<ReturnType<typeof setup>>;
  const cases: [string, (x: Ctx) => Promise<string>, string | RegExp][] = [
    [
      "expired",
      ({ signer, fed }) => signer.sign(claims(fed, { exp: now() - 120, nbf: now() - 900 })),
      "the assertion has expired",
    ],
    [
      "not yet valid",
      ({ signer, fed }) => signer.sign(claims(fed, { nbf: now() + 300 })),
      "the assertion is not yet valid (nbf)",
    ],
    [
      "wrong issuer",
      ({ signer, fed }) => signer.sign(claims(fed, { iss: "https://login.microsoftonline.com/other/v2.0" })),
      /^untrusted issuer/,
    ],
    ["wrong subject", ({ signer, fed }) => signer.sign(claims(fed, { sub: "another-app" })), /^unexpected subject/],
    [
      "wrong audience",
      ({ signer, fed }) => signer.sign(claims(fed, { aud: "api://someone-else" })),
      "the audience is not this tenant's",
    ],
    ["no exp", ({ signer, fed }) => signer.sign(claims(fed, { exp: undefined })), "exp is missing"],
    ["no jti", ({ signer, fed }) => signer.sign(claims(fed, { jti: undefined })), "jti is missing"],
    [
      "a lifetime over a day",
      ({ signer, fed }) => signer.sign(claims(fed, { exp: now() + 2 * 86_400 })),
      "exp is too far in the future",
    ],
    [
      "bad signature (signed by another key with the same kid)",
      async ({ signer, fed }) => (await makeSigner("RS256", signer.kid)).sign(claims(fed)),
      "the signature does not verify",
    ],
    [
      "a tampered payload",
      async ({ signer, fed }) => {
        const [h, , s] = (await signer.sign(claims(fed))).split(".");
        const p = btoa(JSON.stringify(claims(fed, { sub: fed.subject, jti: "forged" })))
          .replace(/=+$/, "")
          .replace(/\+/g, "-")
          .replace(/\//g, "_");
        return `${h}.${p}.${s}`;
      },
      "the signature does not verify",
    ],
    [
      "alg none",
      ({ signer, fed }) => forge(claims(fed), { alg: "none", typ: "JWT", kid: signer.kid }),
      /^algorithm "none" is not accepted/,
    ],
    [
      "HMAC with the public key as the secret",
      ({ signer, fed }) =>
        forge(claims(fed), { alg: "HS256", typ: "JWT", kid: signer.kid }, JSON.stringify(signer.publicJwk)),
      /^algorithm "HS256" is not accepted/,
    ],
    [
      "unknown kid",
      async ({ fed }) => (await makeSigner("RS256", "kid-nobody-published")).sign(claims(fed)),
      /^unknown key id/,
    ],
    ["not a JWT", async () => "not.a-jwt", "the assertion is not a compact JWS"],
  ];

  for (const [name, make, reason] of cases) {
    it(`${name}: 401 invalid_client`, async () => {
      const ctx = await setup();
      const assertion = await make(ctx);
      const res = await tokenRequest("acme", { form: assertionForm(assertion) });
      expect(res.status).toBe(401);
      expect((await oauthError(res)).error).toBe("invalid_client");
      const last = (await oauthRefusals("acme")).at(-1)!;
      expect(last.detail).toMatchObject({ error: "invalid_client", method: "private_key_jwt", reason });
      expect(last.raw).not.toContain(assertion);
      expect(last.raw).not.toContain(assertion.split(".")[2] || "\u0000");
    });
  }
});

it("a replayed jti is refused, even after the first token was issued", async () => {
  const { signer, fed } = await setup("ES256");
  const assertion = await signer.sign(claims(fed));
  expect((await tokenRequest("acme", { form: assertionForm(assertion) })).status).toBe(200);
  const again = await tokenRequest("acme", { form: assertionForm(assertion) });
  expect(again.status).toBe(401);
  expect((await oauthError(again)).error).toBe("invalid_client");
  expect((await oauthRefusals("acme")).at(-1)!.detail.reason).toBe("the assertion's jti was already used");
});

it("small clock skew is tolerated (60 s) on exp and nbf", async () => {
  const { signer, fed } = await setup();
  const now = Math.floor(Date.now() / 1000);
  const res = await tokenRequest("acme", {
    form: assertionForm(await signer.sign(claims(fed, { exp: now - 20, nbf: now + 20 }))),
  });
  expect(res.status).toBe(200);
});

it("JWKS: cached; an unknown kid refetches at most once a minute, and then finds a rotated key", async () => {
  const first = await makeSigner("RS256");
  const jwks = await publishJwks([first.publicJwk]);
  const fed = await addFederation("acme", jwks.url);
  for (let i = 0; i < 3; i++)
    expect((await tokenRequest("acme", { form: assertionForm(await first.sign(claims(fed))) })).status).toBe(200);
  expect(await jwksHits(jwks.name)).toBe(1);

  // The issuer rotates: the new key is published, assertions name its kid.
  const second = await makeSigner("RS256");
  await publishJwks([first.publicJwk, second.publicJwk], jwks.name);
  const tooSoon = await tokenRequest("acme", { form: assertionForm(await second.sign(claims(fed))) });
  expect(tooSoon.status).toBe(401); // fetched under a minute ago: no refetch
  for (let i = 0; i < 5; i++)
    await tokenRequest("acme", { form: assertionForm(await (await makeSigner("RS256")).sign(claims(fed))) });
  expect(await jwksHits(jwks.name)).toBe(1);

  await setClock(61_000);
  const now = Math.floor(Date.now() / 1000) + 61;
  const rotated = await tokenRequest("acme", {
    form: assertionForm(await second.sign(claims(fed, { iat: now, nbf: now, exp: now + 600 }))),
  });
  expect(rotated.status).toBe(200);
  expect(await jwksHits(jwks.name)).toBe(2);
});

it("a key set that cannot be fetched refuses the assertion (invalid_client), never a 500", async () => {
  const signer = await makeSigner("RS256");
  const fed = await addFederation("acme", "http://127.0.0.1:9/jwks/nothing-listens-here");
  const res = await tokenRequest("acme", { form: assertionForm(await signer.sign(claims(fed))) });
  expect(res.status).toBe(401);
  expect((await oauthError(res)).error).toBe("invalid_client");
  expect((await oauthRefusals("acme")).at(-1)!.detail.reason).toBe("the key set could not be fetched");
});

describe("federation admin", () => {
  it("validates the config: https key set URL (http only on loopback), all fields, no duplicate issuer and subject", async () => {
    const { fed } = await setup();
    const base = { name: "x", issuer: "https://login.microsoftonline.com/t/v2.0", subject: "s", audience: "a" };
    expect(
      (await fed.admin.post("/oauth/federations", { ...base, jwksUrl: "http://keys.example.com/jwks" })).status,
    ).toBe(400);
    expect((await fed.admin.post("/oauth/federations", { ...base, jwksUrl: "file:///etc/passwd" })).status).toBe(400);
    expect(
      (await fed.admin.post("/oauth/federations", { ...base, subject: "", jwksUrl: "https://k.example/jwks" })).status,
    ).toBe(400);
    const dup = {
      name: "dup",
      issuer: fed.issuer,
      subject: fed.subject,
      audience: "a",
      jwksUrl: "https://k.example/jwks",
    };
    expect((await fed.admin.post("/oauth/federations", dup)).status).toBe(409);
    const list = await (await fed.admin.get("/oauth/federations")).json<any>();
    expect(list.federations.find((f: any) => f.id === fed.id)).toMatchObject({
      issuer: fed.issuer,
      subject: fed.subject,
      audience: fed.audience,
    });
    expect((await fed.admin.del("/oauth/federations/nope")).status).toBe(404);
  });
});
