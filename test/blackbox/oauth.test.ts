/**
 * Issue 11 end to end against `wrangler dev`: OAuth clients made with the tenant CLI's code, the
 * token endpoint with both credential forms and with workload identity federation (key sets
 * served by a local Node HTTP server), the tokens used on SCIM, expiry on a settable clock
 * (the test Worker entry's clock route, test/worker-entry/), revocation, and the refusals with their RFC 6749 error codes.
 */
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addClient, listClients, revokeClient } from "../../src/cli/clients.ts";
import { runTenantCommand } from "../../src/cli/tenant.ts";
import { PROJECT_ROOT, runTestEntry, scimFetch, startBlackbox, type Blackbox } from "./harness.ts";
import { startJwksServer, type JwksServer } from "./jwks-server.ts";
import { forge, makeSigner } from "./jwt-signer.ts";

const JWT_BEARER = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
let box: Blackbox;
let jwks: JwksServer;
let ipSeq = 0;

// Two tenants onboarded before wrangler dev starts: slower than the default hook timeout on a busy machine.
beforeAll(async () => {
  [box, jwks] = await Promise.all([startBlackbox({ configure: runTestEntry, otherTenants: 1 }), startJwksServer()]);
}, 600_000);

afterAll(async () => {
  await Promise.all([box?.stop(), jwks?.close()]);
});

const target = () => ({ configPath: box.configPath, remote: false, persistTo: box.persistTo, cwd: PROJECT_ROOT });
const tokenUrl = (slug = box.slug) => `${box.baseUrl}/t/${slug}/oauth/token`;

interface Req {
  form?: Record<string, string>;
  basic?: [string, string];
  body?: string;
  slug?: string;
  ip?: string;
}

/** Each request from its own documentation address unless told, so the per-address limit stays out of the way. */
function token(r: Req): Promise<Response> {
  const headers: Record<string, string> = {
    "content-type": "application/x-www-form-urlencoded",
    "cf-connecting-ip": r.ip ?? `192.0.2.${++ipSeq}`,
  };
  if (r.basic)
    headers.authorization = `Basic ${Buffer.from(`${encodeURIComponent(r.basic[0])}:${encodeURIComponent(r.basic[1])}`).toString("base64")}`;
  return fetch(tokenUrl(r.slug), {
    method: "POST",
    headers,
    body: r.body ?? new URLSearchParams(r.form ?? {}).toString(),
  });
}

async function refused(res: Response, status: number, code: string): Promise<void> {
  expect(res.status).toBe(status);
  expect(res.headers.get("cache-control")).toBe("no-store");
  const body = (await res.json()) as Record<string, unknown>;
  expect(body.error).toBe(code);
  expect(body).not.toHaveProperty("schemas");
  if (status === 401) expect(res.headers.get("www-authenticate")).toMatch(/^Basic /);
}

const scim = (accessToken: string, path = "/Users?count=1", init: RequestInit = {}) =>
  scimFetch(box, path, {
    ...init,
    headers: { authorization: `Bearer ${accessToken}`, ...(init.headers as Record<string, string>) },
  });

const setClock = async (offsetMs: number) =>
  expect((await fetch(`${box.baseUrl}/test/clock`, { method: "PUT", body: JSON.stringify({ offsetMs }) })).status).toBe(
    204,
  );

const CC = { grant_type: "client_credentials" };

describe("client credentials, clients made by the tenant CLI", () => {
  it("Basic and body credentials give tokens that provision over SCIM", async () => {
    const client = await addClient(target(), box.slug, "Entra ID", 365);
    const basic = await token({ form: { ...CC, scope: "scim" }, basic: [client.id, client.secret] });
    expect(basic.status).toBe(200);
    expect(basic.headers.get("cache-control")).toBe("no-store");
    const a = (await basic.json()) as { access_token: string; token_type: string; expires_in: number };
    expect(a).toMatchObject({ token_type: "Bearer", expires_in: 3600 });

    const user = `oauth-${randomUUID()}@contoso.com`;
    const created = await scim(a.access_token, "/Users", {
      method: "POST",
      headers: { "content-type": "application/scim+json" },
      body: JSON.stringify({
        schemas: ["urn:ietf:params:scim:schemas:core:2.0:User"],
        userName: user,
        active: true,
        name: { givenName: "O", familyName: "Auth" },
        emails: [{ value: user, primary: true }],
      }),
    });
    expect(created.status).toBe(201);

    const post = await token({ form: { ...CC, client_id: client.id, client_secret: client.secret } });
    const b = (await post.json()) as { access_token: string };
    const found = await scim(b.access_token, `/Users?filter=${encodeURIComponent(`userName eq "${user}"`)}`);
    expect(((await found.json()) as { totalResults: number }).totalResults).toBe(1);

    const listed = await listClients(target(), box.slug);
    expect(listed.find((c) => c.clientId === client.id)).toMatchObject({
      name: "Entra ID",
      revoked: null,
      lastUsed: expect.any(String),
    });
  });

  it("a token past expires_in is refused (settable clock)", async () => {
    const client = await addClient(target(), box.slug, "expiry", 365);
    const { access_token } = (await (await token({ form: CC, basic: [client.id, client.secret] })).json()) as {
      access_token: string;
    };
    try {
      await setClock(3_599_000);
      expect((await scim(access_token)).status).toBe(200);
      await setClock(3_601_000);
      expect((await scim(access_token)).status).toBe(401);
    } finally {
      await setClock(0);
    }
  });

  it("client revoke (CLI) stops the client's tokens at once", async () => {
    const client = await addClient(target(), box.slug, "to revoke", 30);
    const { access_token } = (await (await token({ form: CC, basic: [client.id, client.secret] })).json()) as {
      access_token: string;
    };
    expect((await scim(access_token)).status).toBe(200);
    const out: string[] = [];
    const code = await runTenantCommand(
      ["client", "revoke", box.slug, client.id, "--config", box.configPath, "--persist-to", box.persistTo],
      { out: (l) => out.push(l), err: (l) => out.push(l) },
    );
    expect(code).toBe(0);
    expect((await scim(access_token)).status).toBe(401);
    await refused(await token({ form: CC, basic: [client.id, client.secret] }), 401, "invalid_client");
    await expect(revokeClient(target(), box.slug, client.id)).rejects.toThrow(/no active client/);
  });

  it("refusals, each with its RFC 6749 §5.2 code", async () => {
    const client = await addClient(target(), box.slug, "refusals", 365);
    const other = await addClient(target(), box.others[0].slug, "other tenant", 365);
    const wrong = `scimcs_${"A".repeat(43)}`;
    await refused(await token({ form: CC, basic: [client.id, wrong] }), 401, "invalid_client");
    await refused(
      await token({ form: CC, basic: ["scimc_AAAAAAAAAAAAAAAAAAAAAA", client.secret] }),
      401,
      "invalid_client",
    );
    await refused(await token({ form: CC, basic: [other.id, other.secret] }), 401, "invalid_client");
    await refused(
      await token({ form: { grant_type: "password" }, basic: [client.id, client.secret] }),
      400,
      "unsupported_grant_type",
    );
    await refused(await token({ form: {}, basic: [client.id, client.secret] }), 400, "invalid_request");
    await refused(await token({ form: CC }), 401, "invalid_client");
    await refused(await token({ form: { ...CC, client_id: client.id } }), 401, "invalid_client");
    await refused(
      await token({
        form: { ...CC, client_id: client.id, client_secret: client.secret },
        basic: [client.id, client.secret],
      }),
      400,
      "invalid_request",
    );
    await refused(
      await token({
        body: `grant_type=client_credentials&pad=${"x".repeat(100 * 1024)}`,
        basic: [client.id, client.secret],
      }),
      400,
      "invalid_request",
    );

    // The other tenant's token is refused here, and this tenant's there.
    const mine = (await (await token({ form: CC, basic: [client.id, client.secret] })).json()) as {
      access_token: string;
    };
    const theirs = (await (
      await token({ slug: box.others[0].slug, form: CC, basic: [other.id, other.secret] })
    ).json()) as { access_token: string };
    expect((await scim(theirs.access_token)).status).toBe(401);
    const there = await fetch(`${box.baseUrl}/t/${box.others[0].slug}/scim/v2/Users?count=1`, {
      headers: { authorization: `Bearer ${mine.access_token}` },
    });
    expect(there.status).toBe(401);

    // P23: every refusal is in the audit log, without the secret.
    const audit = await fetch(`${box.adminApiUrl}/audit?action=refused&limit=50`, {
      headers: { authorization: `Bearer ${box.adminToken}` },
    });
    const text = await audit.text();
    expect(text).not.toContain(client.secret);
    expect(text).not.toContain(wrong);
  });
});

describe("workload identity federation, key set served by a local HTTP server", () => {
  const issuer = `https://login.microsoftonline.com/${randomUUID()}/v2.0`;
  const subject = randomUUID();
  const audience = "api://edge-scim";
  const now = () => Math.floor(Date.now() / 1000);
  const claims = (over: Record<string, unknown> = {}) => ({
    iss: issuer,
    sub: subject,
    aud: audience,
    nbf: now(),
    exp: now() + 600,
    jti: randomUUID(),
    ...over,
  });
  const assertion = (a: string) => ({ ...CC, client_assertion_type: JWT_BEARER, client_assertion: a });
  let signer: Awaited<ReturnType<typeof makeSigner>>;

  beforeAll(async () => {
    signer = await makeSigner("RS256");
    const name = randomUUID();
    await fetch(`${jwks.url}/jwks/${name}`, { method: "PUT", body: JSON.stringify({ keys: [signer.publicJwk] }) });
    const res = await fetch(`${box.adminApiUrl}/oauth/federations`, {
      method: "POST",
      headers: { authorization: `Bearer ${box.adminToken}`, "content-type": "application/json" },
      body: JSON.stringify({ name: "Entra WIF", issuer, subject, audience, jwksUrl: `${jwks.url}/jwks/${name}` }),
    });
    expect(res.status).toBe(201);
  });

  it("a good assertion gets a token that works on SCIM; its jti cannot be replayed", async () => {
    const a = await signer.sign(claims());
    const res = await token({ form: assertion(a) });
    expect(res.status).toBe(200);
    const { access_token } = (await res.json()) as { access_token: string };
    expect((await scim(access_token)).status).toBe(200);
    await refused(await token({ form: assertion(a) }), 401, "invalid_client");
  });

  it("refuses expired, not yet valid, wrong issuer, audience, subject, bad signature, alg none, HMAC, unknown kid", async () => {
    const other = await makeSigner("RS256", signer.kid);
    const stranger = await makeSigner("ES256", randomUUID());
    const bad = [
      await signer.sign(claims({ exp: now() - 120, nbf: now() - 900 })),
      await signer.sign(claims({ nbf: now() + 300 })),
      await signer.sign(claims({ iss: "https://login.microsoftonline.com/other/v2.0" })),
      await signer.sign(claims({ aud: "api://other" })),
      await signer.sign(claims({ sub: "other" })),
      await other.sign(claims()),
      await forge(claims(), { alg: "none", kid: signer.kid }),
      await forge(claims(), { alg: "HS256", kid: signer.kid }, JSON.stringify(signer.publicJwk)),
      await stranger.sign(claims()),
    ];
    for (const a of bad) await refused(await token({ form: assertion(a) }), 401, "invalid_client");
  });
});

describe("rate limit", () => {
  // Windows are fixed minutes (locally as on Cloudflare), so a flood that straddles a minute
  // boundary sees up to twice the limit pass before the first 429.
  it("a flood from one address gets 429 with Retry-After after 10 failures", async () => {
    const statuses: number[] = [];
    let last: Response | undefined;
    for (let i = 0; i < 25 && last?.status !== 429; i++) {
      last = await token({
        form: CC,
        basic: [`scimc_${randomUUID().replace(/-/g, "").slice(0, 22)}`, "x"],
        ip: "198.51.100.7",
      });
      statuses.push(last.status);
    }
    expect(last?.status).toBe(429);
    expect(last?.headers.get("retry-after")).toBe("60");
    expect(statuses.length).toBeGreaterThan(10);
    expect(statuses.slice(0, -1).every((s) => s === 401)).toBe(true);
  });
});

describe("tenant CLI: client commands refuse bad arguments before touching anything", () => {
  const run = async (...args: string[]) => {
    const lines: string[] = [];
    const code = await runTenantCommand(
      ["client", ...args, "--config", box.configPath, "--persist-to", box.persistTo],
      {
        out: (l) => lines.push(l),
        err: (l) => lines.push(l),
      },
    );
    return { code, text: lines.join("\n") };
  };
  it.each([
    [[], /missing client command/],
    [["rename", "x"], /unknown client command "rename"/],
    [["add"], /missing tenant slug/],
    [["add", "no-such-tenant"], /unknown tenant "no-such-tenant"/],
    [["add", "BAD_slug"], /invalid tenant slug/],
    [["revoke", "x"], /unknown tenant|malformed client id/],
  ])("client %j", async (args, message) => {
    const { code, text } = await run(...(args as string[]));
    expect(code).toBe(2);
    expect(text).toMatch(message);
  });
  it("--days out of range, and list prints names, never secrets", async () => {
    expect((await run("add", box.slug, "--days", "1096")).text).toMatch(/--days must be a whole number from 1 to 1095/);
    const { code, text } = await run("add", box.slug, "--name", "CLI client", "--days", "30");
    expect(code).toBe(0);
    const secret = /Client secret\s+(scimcs_\S+)/.exec(text)?.[1];
    expect(secret).toBeDefined();
    expect(text).toMatch(new RegExp(`OAuth token endpoint\\s+http://127\\.0\\.0\\.1:8787/t/${box.slug}/oauth/token`));
    // The secret the CLI printed works at the running Worker's token endpoint.
    const clientId = /Client identifier\s+(scimc_\S+)/.exec(text)![1];
    expect((await token({ form: CC, basic: [clientId, secret!] })).status).toBe(200);
    const listed = await run("list", box.slug);
    expect(listed.text).toContain("CLI client");
    expect(listed.text).not.toContain(secret!);
  });
});

it("/ServiceProviderConfig lists the OAuth scheme beside the bearer token", async () => {
  const spc = (await (await scimFetch(box, "/ServiceProviderConfig")).json()) as {
    authenticationSchemes: { type: string; description: string }[];
  };
  expect(spc.authenticationSchemes.map((s) => s.type)).toEqual(["oauthbearertoken", "oauth2"]);
  expect(spc.authenticationSchemes[1].description).toContain(`/t/${box.slug}/oauth/token`);
});
