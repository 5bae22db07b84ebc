/**
 * Issue 11: the token endpoint with client secrets (RFC 6749 §4.4), its access tokens on SCIM,
 * and every refusal with its RFC 6749 §5.2 error code, audited (P23) without the secret.
 */
import { SELF } from "cloudflare:test";
import { afterEach, describe, expect, it } from "vitest";
import { ORIGIN, adminClient, eventually, issueToken } from "./helpers";
import {
  addClient,
  freshIp,
  getToken,
  oauthError,
  oauthRefusals,
  scimWith,
  setClock,
  tokenRequest,
} from "./oauth-helpers";

const CC = { grant_type: "client_credentials" };
const HOUR = 3600_000;

afterEach(() => setClock(0));

describe("client credentials", () => {
  it("client_secret_basic: a token that works on SCIM like the Secret Token", async () => {
    const { clientId, clientSecret } = await addClient("acme");
    const res = await tokenRequest("acme", { form: { ...CC, scope: "scim" }, basic: [clientId, clientSecret] });
    expect(res.status).toBe(200);
    expect(res.headers.get("Cache-Control")).toBe("no-store");
    const body = await res.json<any>();
    expect(body).toEqual({
      access_token: expect.stringMatching(/^scimat_/),
      token_type: "Bearer",
      expires_in: 3600,
      scope: "scim",
    });
    expect((await scimWith("acme", body.access_token)).status).toBe(200);
    const created = await SELF.fetch(`${ORIGIN}/t/acme/scim/v2/Groups`, {
      method: "POST",
      headers: { Authorization: `Bearer ${body.access_token}`, "Content-Type": "application/scim+json" },
      body: JSON.stringify({
        schemas: ["urn:ietf:params:scim:schemas:core:2.0:Group"],
        displayName: `OAuth ${crypto.randomUUID()}`,
      }),
    });
    expect(created.status).toBe(201);
  });

  it("client_secret_post: credentials in the body", async () => {
    const { clientId, clientSecret } = await addClient("acme");
    const res = await tokenRequest("acme", { form: { ...CC, client_id: clientId, client_secret: clientSecret } });
    expect(res.status).toBe(200);
    expect((await scimWith("acme", (await res.json<any>()).access_token)).status).toBe(200);
  });

  it("only hashes are stored: neither the secret nor the access token is in D1", async () => {
    const { clientId, clientSecret } = await addClient("acme");
    const token = await getToken("acme", clientId, clientSecret);
    const db = (await import("./helpers")).tenantDb("acme");
    const dump = JSON.stringify([
      (await db.prepare("SELECT * FROM oauth_clients").all()).results,
      (await db.prepare("SELECT * FROM oauth_access_tokens").all()).results,
    ]);
    expect(dump).toContain(clientId);
    expect(dump).not.toContain(clientSecret);
    expect(dump).not.toContain(token);
  });

  it("unknown scopes are ignored (RFC 6749 §3.3) and the grant says scim; a malformed scope is invalid_scope", async () => {
    const { clientId, clientSecret } = await addClient("acme");
    const ignored = await tokenRequest("acme", {
      form: { ...CC, scope: "scim api://x/.default" },
      basic: [clientId, clientSecret],
    });
    expect(ignored.status).toBe(200);
    expect((await ignored.json<any>()).scope).toBe("scim");
    const bad = await tokenRequest("acme", {
      form: { ...CC, scope: 'scim "quoted"' },
      basic: [clientId, clientSecret],
    });
    expect(bad.status).toBe(400);
    expect((await oauthError(bad)).error).toBe("invalid_scope");
  });

  it("a token past expires_in is refused (settable clock, no sleep); the lifetime setting is honoured", async () => {
    const { clientId, clientSecret, admin } = await addClient("acme");
    const token = await getToken("acme", clientId, clientSecret);
    await setClock(HOUR - 5_000);
    expect((await scimWith("acme", token)).status).toBe(200);
    await setClock(HOUR + 1_000);
    expect((await scimWith("acme", token)).status).toBe(401);
    await setClock(0);

    expect((await admin.put("/settings", { accessTokenLifetime: 299 })).status).toBe(400);
    expect((await admin.put("/settings", { accessTokenLifetime: 21_601 })).status).toBe(400);
    expect((await admin.put("/settings", { accessTokenLifetime: 300 })).status).toBe(200);
    const res = await tokenRequest("acme", { form: CC, basic: [clientId, clientSecret] });
    const short = await res.json<any>();
    expect(short.expires_in).toBe(300);
    await setClock(301_000);
    expect((await scimWith("acme", short.access_token)).status).toBe(401);
    await setClock(0);
    expect((await admin.put("/settings", { accessTokenLifetime: 3600 })).status).toBe(200);
  });

  it("a revoked client secret stops its access tokens at once and gets no new one", async () => {
    const { clientId, clientSecret, admin } = await addClient("acme");
    const token = await getToken("acme", clientId, clientSecret);
    expect((await admin.del(`/oauth/clients/${clientId}`)).status).toBe(204);
    expect((await scimWith("acme", token)).status).toBe(401);
    const res = await tokenRequest("acme", { form: CC, basic: [clientId, clientSecret] });
    expect(res.status).toBe(401);
    expect((await oauthError(res)).error).toBe("invalid_client");
    expect((await admin.del(`/oauth/clients/${clientId}`)).status).toBe(404);
  });

  it("an expired client secret gets no token and its earlier tokens stop", async () => {
    const { clientId, clientSecret } = await addClient("acme", { name: "short", expiresInDays: 1 });
    await setClock(23.5 * HOUR);
    const token = await getToken("acme", clientId, clientSecret); // would live until 24.5 h
    expect((await scimWith("acme", token)).status).toBe(200);
    await setClock(24 * HOUR + 1_000);
    expect((await scimWith("acme", token)).status).toBe(401);
    const res = await tokenRequest("acme", { form: CC, basic: [clientId, clientSecret] });
    expect(res.status).toBe(401);
    expect((await oauthError(res)).error).toBe("invalid_client");
    expect((await oauthRefusals("acme")).at(-1)?.detail.reason).toBe("the client secret has expired");
  });

  it("a token is bound to its tenant: refused on another tenant, and a client of one tenant is unknown to another", async () => {
    const { clientId, clientSecret } = await addClient("acme");
    const token = await getToken("acme", clientId, clientSecret);
    expect((await scimWith("globex", token)).status).toBe(401);
    const res = await tokenRequest("globex", { form: CC, basic: [clientId, clientSecret] });
    expect(res.status).toBe(401);
    expect((await oauthError(res)).error).toBe("invalid_client");
  });

  it("an access token is not an admin token", async () => {
    const { clientId, clientSecret } = await addClient("acme");
    const token = await getToken("acme", clientId, clientSecret);
    const res = await SELF.fetch(`${ORIGIN}/t/acme/admin/api/settings`, {
      headers: { Authorization: `Bearer ${token}` },
    });
    expect(res.status).toBe(401);
  });

  it("several clients at once: each works until revoked (rotation)", async () => {
    const a = await addClient("acme", { name: "old" });
    const b = await addClient("acme", { name: "new" });
    expect((await scimWith("acme", await getToken("acme", a.clientId, a.clientSecret))).status).toBe(200);
    expect((await scimWith("acme", await getToken("acme", b.clientId, b.clientSecret))).status).toBe(200);
    const list = await (await a.admin.get("/oauth/clients")).json<any>();
    const names = list.clients.filter((c: any) => [a.clientId, b.clientId].includes(c.clientId));
    expect(names).toHaveLength(2);
    expect(names[0]).toMatchObject({ name: "old", revoked: null, lastUsed: expect.any(String), expires: a.expires });
    expect(JSON.stringify(list)).not.toContain(a.clientSecret);
    expect(list.tokenEndpoint).toBe(`${ORIGIN}/t/acme/oauth/token`);
  });

  it("client add: default expiry one year, at most three; name required", async () => {
    const admin = await adminClient("acme");
    const made = await (await admin.post("/oauth/clients", { name: "Entra" })).json<any>();
    const days = (Date.parse(made.expires) - Date.parse(made.created)) / 86_400_000;
    expect(days).toBe(365);
    expect((await admin.post("/oauth/clients", { name: "x", expiresInDays: 3 * 365 + 1 })).status).toBe(400);
    expect((await admin.post("/oauth/clients", { name: "" })).status).toBe(400);
    expect((await admin.post("/oauth/clients", { name: "x", secret: "mine" })).status).toBe(400);
  });
});

describe("refusals, each with its RFC 6749 §5.2 code", () => {
  const cases: [string, (id: string, secret: string) => Parameters<typeof tokenRequest>[1], number, string][] = [
    ["wrong secret", (id) => ({ form: CC, basic: [id, `scimcs_${"A".repeat(43)}`] }), 401, "invalid_client"],
    [
      "unknown client",
      (_id, secret) => ({ form: CC, basic: ["scimc_AAAAAAAAAAAAAAAAAAAAAA", secret] }),
      401,
      "invalid_client",
    ],
    ["no client authentication", () => ({ form: CC }), 401, "invalid_client"],
    ["client_id without a secret", (id) => ({ form: { ...CC, client_id: id } }), 401, "invalid_client"],
    [
      "a Bearer header instead of Basic",
      () => ({ form: CC, headers: { Authorization: "Bearer abc" } }),
      401,
      "invalid_client",
    ],
    ["Basic that is not base64", () => ({ form: CC, headers: { Authorization: "Basic !!!" } }), 401, "invalid_client"],
    [
      "wrong grant type",
      (id, secret) => ({ form: { grant_type: "password" }, basic: [id, secret] }),
      400,
      "unsupported_grant_type",
    ],
    ["missing grant type", (id, secret) => ({ form: {}, basic: [id, secret] }), 400, "invalid_request"],
    [
      "both credential forms at once",
      (id, secret) => ({ form: { ...CC, client_id: id, client_secret: secret }, basic: [id, secret] }),
      400,
      "invalid_request",
    ],
    [
      "a repeated parameter",
      (id, secret) => ({ body: "grant_type=client_credentials&grant_type=client_credentials", basic: [id, secret] }),
      400,
      "invalid_request",
    ],
    [
      "a JSON body",
      (id, secret) => ({
        body: JSON.stringify(CC),
        basic: [id, secret],
        headers: { "Content-Type": "application/json" },
      }),
      400,
      "invalid_request",
    ],
    [
      "a 100 KB body",
      (id, secret) => ({ body: `grant_type=client_credentials&pad=${"x".repeat(100 * 1024)}`, basic: [id, secret] }),
      400,
      "invalid_request",
    ],
    ["an assertion without its type", () => ({ form: { ...CC, client_assertion: "a.b.c" } }), 400, "invalid_request"],
    [
      "an unknown assertion type",
      () => ({ form: { ...CC, client_assertion: "a.b.c", client_assertion_type: "urn:x" } }),
      400,
      "invalid_request",
    ],
  ];

  for (const [name, request, status, code] of cases) {
    it(`${name}: ${status} ${code}, audited without the secret (P23)`, async () => {
      const { clientId, clientSecret } = await addClient("acme");
      const before = (await oauthRefusals("acme")).length;
      const res = await tokenRequest("acme", request(clientId, clientSecret));
      expect(res.status).toBe(status);
      expect((await oauthError(res)).error).toBe(code);
      if (status === 401) expect(res.headers.get("WWW-Authenticate")).toMatch(/^Basic /);
      const rows = await oauthRefusals("acme");
      expect(rows.length).toBe(before + 1);
      expect(rows.at(-1)!.detail).toMatchObject({ endpoint: "oauth/token", error: code, status });
      for (const r of rows) expect(r.raw).not.toContain(clientSecret);
    });
  }

  it("an unknown tenant answers exactly like an unknown client", async () => {
    const res = await tokenRequest("nosuchtenant", {
      form: CC,
      basic: ["scimc_AAAAAAAAAAAAAAAAAAAAAA", `scimcs_${"A".repeat(43)}`],
    });
    expect(res.status).toBe(401);
    expect(await oauthError(res)).toEqual({
      error: "invalid_client",
      error_description: "Client authentication failed.",
    });
  });

  it("GET is 405 with Allow: POST, in the OAuth error shape", async () => {
    const res = await SELF.fetch(`${ORIGIN}/t/acme/oauth/token`);
    expect(res.status).toBe(405);
    expect(res.headers.get("Allow")).toBe("POST");
    expect((await oauthError(res)).error).toBe("invalid_request");
  });

  it("the refusal reaches the admin's audit log through the queue", async () => {
    const { clientId, admin } = await addClient("acme");
    await tokenRequest("acme", { form: CC, basic: [clientId, `scimcs_${"B".repeat(43)}`] });
    const entry = await eventually(async () => {
      const { entries } = await (await admin.get("/audit?action=refused&limit=20")).json<any>();
      return entries?.find((e: any) => e.actor === "oauth" && e.detail.clientId === clientId);
    });
    expect(entry.detail).toMatchObject({
      error: "invalid_client",
      reason: "wrong client secret",
      method: "client_secret_basic",
    });
  });
});

// Windows are fixed minutes (miniflare as Cloudflare), so a burst that straddles a minute boundary
// sees up to twice the limit pass before the first 429: the tests count to the first 429.
async function untilLimited(send: () => Promise<Response>): Promise<{ before: number[]; limited?: Response }> {
  const before: number[] = [];
  for (let i = 0; i < 25; i++) {
    const res = await send();
    if (res.status === 429) return { before, limited: res };
    before.push(res.status);
  }
  return { before };
}

describe("rate limit (OAUTH_LIMIT)", () => {
  it("repeated failures for a client get 429 with Retry-After, while the correct client still gets its token", async () => {
    const { clientId, clientSecret } = await addClient("acme");
    const { before, limited } = await untilLimited(() =>
      tokenRequest("acme", { form: CC, basic: [clientId, `scimcs_${"C".repeat(43)}`] }),
    );
    expect(before.length).toBeGreaterThanOrEqual(10);
    expect(before.every((s) => s === 401)).toBe(true);
    expect(limited?.headers.get("Retry-After")).toBe("60");
    expect(limited?.headers.get("Cache-Control")).toBe("no-store");
    const res = await tokenRequest("acme", { form: CC, basic: [clientId, clientSecret] });
    expect(res.status).toBe(200);
  });

  it("one source address sending more than 10 requests a minute gets 429; Entra's pace (a token, a few retries) never does", async () => {
    const { clientId, clientSecret } = await addClient("acme");
    const entra = freshIp();
    for (let i = 0; i < 4; i++)
      expect((await tokenRequest("acme", { form: CC, basic: [clientId, clientSecret], ip: entra })).status).toBe(200);
    const flood = freshIp();
    const { before, limited } = await untilLimited(() =>
      tokenRequest("acme", { form: CC, basic: [clientId, clientSecret], ip: flood }),
    );
    expect(before.length).toBeGreaterThanOrEqual(10);
    expect(before.every((s) => s === 200)).toBe(true);
    expect(limited?.headers.get("Retry-After")).toBe("60");
  });
});

it("the Secret Token keeps working beside OAuth (P1)", async () => {
  const { token } = await issueToken("acme");
  expect((await scimWith("acme", token)).status).toBe(200);
});
