import { SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { ORIGIN, issueToken, scimClient, scimError, tenantDb } from "./helpers";
import { fetchWorker, tracedD1 } from "./instrumented";

const usersUrl = (tenant: string) => `${ORIGIN}/t/${tenant}/scim/v2/Users`;

async function expect401(res: Response) {
  expect(res.status).toBe(401);
  expect(res.headers.get("WWW-Authenticate")).toMatch(/^Bearer/);
  const body = await scimError(res);
  expect(body.detail).toMatch(/token/);
}

describe("authentication (P1, P2)", () => {
  it("P1 a tenant's own token opens its Tenant URL", async () => {
    const { token } = await issueToken("acme");
    const res = await scimClient("acme", token).get("/Users?filter=userName+eq+%22nobody%22");
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ totalResults: 0, Resources: [] });
  });

  it("refuses a request without a token", async () => {
    await expect401(await SELF.fetch(usersUrl("acme")));
  });

  it("refuses a malformed Authorization header", async () => {
    for (const header of ["Basic dXNlcjpwYXNz", "Bearer", "Bearer not-a-token", "scim_abc", "Bearer  "]) {
      await expect401(await SELF.fetch(usersUrl("acme"), { headers: { Authorization: header } }));
    }
  });

  it("refuses a well-formed token nobody issued", async () => {
    const fake = `scim_${"A".repeat(43)}`;
    await expect401(await scimClient("acme", fake).get("/Users"));
  });

  it("refuses another tenant's token and reveals nothing of that tenant", async () => {
    const { token } = await issueToken("globex");
    const res = await scimClient("acme", token).get("/Users");
    await expect401(res);
  });

  it("refuses the admin token on the SCIM API", async () => {
    const { token } = await issueToken("acme", "admin");
    await expect401(await scimClient("acme", token).get("/Users"));
  });

  it("P2 a rotated-away token stops working at once, even while KV still knows it", async () => {
    const { token, id } = await issueToken("acme");
    const client = scimClient("acme", token);
    expect((await client.get("/Users")).status).toBe(200);
    // Rotation as the CLI does it: the tenant's D1 is the truth; KV keeps the old key for a while.
    await tenantDb("acme")
      .prepare("UPDATE tokens SET revoked = ?1 WHERE id = ?2")
      .bind(new Date().toISOString(), id)
      .run();
    await expect401(await client.get("/Users"));
  });

  it("answers nothing but 401 to a bad token: no 400, 404 or 405 detail, no data", async () => {
    const fake = scimClient("acme", `scim_${"B".repeat(43)}`);
    const requests = [
      fake.get("/Widgets"),
      fake.fetch("DELETE", "/Users"),
      fake.post("/Users", "{not json"),
      fake.get("/Users?filter=userName%20eq"),
      fake.get("/Users/does-not-exist"),
      fake.get("/ServiceProviderConfig"),
      fake.patch("/Groups/nope", { Operations: [] }),
    ];
    for (const res of await Promise.all(requests)) await expect401(res);
  });

  it("answers an unknown tenant exactly like a known tenant refusing a token (no slug enumeration)", async () => {
    const { token } = await issueToken("acme");
    const fake = `scim_${"C".repeat(43)}`;
    const same = async (a: Response, b: Response) => {
      expect(a.status).toBe(b.status);
      expect([...a.headers].sort()).toEqual([...b.headers].sort());
      expect(await a.text()).toBe(await b.text());
    };
    for (const header of [`Bearer ${token}`, `Bearer ${fake}`, "Bearer x", undefined]) {
      const headers: Record<string, string> = header ? { Authorization: header } : {};
      const known = await SELF.fetch(`${ORIGIN}/t/globex/scim/v2/Users?filter=userName+eq+%22a%22`, { headers });
      expect(known.status).toBe(401);
      for (const unknown of ["nope", "..%2F", "x".repeat(60)]) {
        await same(
          await SELF.fetch(`${ORIGIN}/t/${unknown}/scim/v2/Users?filter=userName+eq+%22a%22`, { headers }),
          known.clone(),
        );
      }
    }
    // The admin API answers in its own format, alike for both too.
    const adminKnown = await SELF.fetch(`${ORIGIN}/t/globex/admin/api/settings`, {
      headers: { Authorization: `Bearer ${fake}` },
    });
    expect(adminKnown.status).toBe(401);
    await same(
      await SELF.fetch(`${ORIGIN}/t/nope/admin/api/settings`, { headers: { Authorization: `Bearer ${fake}` } }),
      adminKnown,
    );
  });
});

/**
 * Issue 12: before the token is known good only reads of fixed, small cost run (the single-row
 * indexed lookups of Entra's hot path), and no request body is read. Observed on the tenant's
 * real D1 (every statement it executes is recorded) and on the request itself (bodyUsed).
 */
describe("nothing runs for a bad token but fixed, small reads", () => {
  const BAD = `Bearer scim_${"D".repeat(43)}`;
  /** A filter that scans every user several times over (LIKE on document fields, count included). */
  const HEAVY = encodeURIComponent(
    'userName sw "u" and (title co "a" or displayName co "b" or nickName co "c" or name.givenName ew "d" or not (emails co "e"))',
  );

  const label = (sql: string) =>
    sql.startsWith("SELECT id, hash, name, access FROM tokens")
      ? "token"
      : sql.startsWith("SELECT (SELECT json_group_array(json_array(kind, key, value))")
        ? "tenant state"
        : sql.startsWith("SELECT abs((EXISTS (SELECT 1 FROM tokens")
          ? "token guard"
          : /FROM users u WHERE u\.id = \?1$/.test(sql)
            ? "user by id"
            : /^SELECT \(SELECT count\(\*\) FROM users u WHERE u\.user_name = \?1 COLLATE NOCASE\)/.test(sql)
              ? "user by userName"
              : `other: ${sql.replace(/\s+/g, " ").slice(0, 80)}`;

  async function traced(auth: string, method: string, path: string, body?: string) {
    const executed: string[] = [];
    const req = new Request(`${ORIGIN}/t/acme${path}`, {
      method,
      headers: { Authorization: auth, ...(body ? { "Content-Type": "application/scim+json" } : {}) },
      body,
    });
    const res = await fetchWorker(req, { TENANT_ACME: tracedD1(tenantDb("acme"), executed) });
    return { res, ran: executed.map(label), bodyRead: req.bodyUsed };
  }

  it("a heavy filter costs a bad token what no filter costs: the token check and tenant state only", async () => {
    const heavy = await traced(BAD, "GET", `/scim/v2/Users?filter=${HEAVY}&sortBy=title`);
    const none = await traced(BAD, "GET", "/scim/v2/Users");
    const invalid = await traced(BAD, "GET", `/scim/v2/Users?filter=${encodeURIComponent("(".repeat(200))}`);
    const groups = await traced(BAD, "GET", `/scim/v2/Groups?filter=${encodeURIComponent('displayName co "x"')}`);
    for (const r of [heavy, none, invalid, groups]) {
      expect(r.res.status).toBe(401);
      expect(r.ran).toEqual(["token", "tenant state"]);
    }
  });

  it("Entra's lookups keep their single-row read in the token check's batch", async () => {
    const byName = await traced(
      BAD,
      "GET",
      `/scim/v2/Users?filter=${encodeURIComponent('userName eq "ann@contoso.com"')}`,
    );
    expect(byName.res.status).toBe(401);
    expect(byName.ran).toEqual(["token", "tenant state", "user by userName"]);
    // Entra's own spelling: `+` for spaces.
    const entra = await traced(BAD, "GET", "/scim/v2/Users?filter=userName+eq+%22ann%40contoso.com%22");
    expect(entra.ran).toEqual(["token", "tenant state", "user by userName"]);
    for (const method of ["GET", "DELETE"]) {
      const byId = await traced(BAD, method, "/scim/v2/Users/some-id");
      expect(byId.res.status).toBe(401);
      expect(byId.ran).toEqual(["token", "tenant state", "user by id"]);
    }
  });

  it("a good token runs the heavy filter (the trace sees it), after the token check", async () => {
    const { token } = await issueToken("acme");
    const good = await traced(`Bearer ${token}`, "GET", `/scim/v2/Users?filter=${HEAVY}`);
    expect(good.res.status).toBe(200);
    expect(good.ran.slice(0, 3)).toEqual(["token", "tenant state", "token guard"]);
    // Every later round trip carries the token guard in its own batch (P2: a rotation stops it).
    expect(good.ran[3]).toMatch(/^other: SELECT \(SELECT count\(\*\) FROM users u WHERE/);
  });

  it("no request body is read for a bad token", async () => {
    const { token } = await issueToken("acme");
    const body = JSON.stringify({ schemas: ["urn:ietf:params:scim:api:messages:2.0:PatchOp"], Operations: [] });
    const writes: [string, string][] = [
      ["POST", "/scim/v2/Users"],
      ["POST", "/scim/v2/Users/.search"],
      ["PUT", "/scim/v2/Users/some-id"],
      ["PATCH", "/scim/v2/Users/some-id"],
      ["POST", "/scim/v2/Groups"],
      ["PATCH", "/scim/v2/Groups/some-id"],
      ["POST", "/scim/v2/Groups/.search"],
      ["PUT", "/admin/api/settings"],
    ];
    for (const [method, path] of writes) {
      const bad = await traced(BAD, method, path, body);
      expect(bad.res.status, `${method} ${path}`).toBe(401);
      expect(bad.bodyRead, `${method} ${path}`).toBe(false);
    }
    // The observable can fail: with a good token the same body is read.
    const good = await traced(`Bearer ${token}`, "POST", "/scim/v2/Users/.search", "{}");
    expect(good.res.status).toBe(200);
    expect(good.bodyRead).toBe(true);
  });
});

/**
 * Issue 12: refusals slow down. The limits are wrangler.toml's (20 per address, 100 per tenant
 * slug, per 60 s window); the local limiter's windows are aligned to the wall clock, so each
 * test starts well inside one. A good token never counts and is never limited.
 */
describe("rate limit of refused credentials", () => {
  const PER_ADDRESS = 20;
  const PER_TENANT = 100;
  const WINDOW_MS = 60_000;
  const randomIp = () => `198.51.${Math.floor(Math.random() * 256)}.${1 + Math.floor(Math.random() * 254)}`;
  const unknownSlug = () => `probe-${crypto.randomUUID().slice(0, 8)}`;
  const fake = `Bearer scim_${"E".repeat(43)}`;
  const get = (tenant: string, ip: string, auth = fake) =>
    SELF.fetch(`${ORIGIN}/t/${tenant}/scim/v2/Users?filter=userName+eq+%22a%22`, {
      headers: { Authorization: auth, "CF-Connecting-IP": ip },
    });

  /** Waits for the next window when less than `needMs` of this one is left. */
  async function freshWindow(needMs = 15_000) {
    const left = WINDOW_MS - (Date.now() % WINDOW_MS);
    if (left < needMs) await new Promise((r) => setTimeout(r, left + 250));
  }

  async function expect429(res: Response) {
    expect(res.status).toBe(429);
    expect(res.headers.get("Retry-After")).toBe("60");
    const body = await scimError(res);
    expect(body.detail).toMatch(/retry after 60 seconds/);
  }

  it("after 20 refusals from one address the next is 429 with Retry-After; a good token from it still gets 200", async () => {
    const { token } = await issueToken("acme");
    const ip = randomIp();
    await freshWindow();
    // Failures on any tenant, served or not, count against the address.
    for (let i = 0; i < PER_ADDRESS; i++) await expect401(await get(i % 4 === 0 ? "acme" : unknownSlug(), ip));
    await expect429(await get("acme", ip));
    await expect429(await get(unknownSlug(), ip));
    for (let i = 0; i < 30; i++) expect((await get("acme", ip, `Bearer ${token}`)).status).toBe(200);
    // Another address is not affected.
    await expect401(await get("acme", randomIp()));
  }, 40_000);

  it("an IPv6 client counts as its /64", async () => {
    await freshWindow();
    const prefix = `2001:db8:${Math.floor(Math.random() * 0xffff).toString(16)}:1`;
    for (let i = 0; i < PER_ADDRESS; i++)
      await expect401(await get(unknownSlug(), `${prefix}::${(i + 1).toString(16)}`));
    await expect429(await get(unknownSlug(), `${prefix}:0:0:0:ffff`));
  }, 40_000);

  it("after 100 refusals for one tenant slug, from any addresses, the next is 429; its good token still gets 200", async () => {
    // An unknown slug stands in for the tenant: it is counted exactly like one (and filling a
    // served tenant's window would turn the other test files' 401s into 429s).
    const slug = unknownSlug();
    await freshWindow(25_000);
    for (let i = 0; i < PER_TENANT; i++) await expect401(await get(slug, randomIp()));
    await expect429(await get(slug, randomIp()));
    const { token } = await issueToken("acme");
    expect((await get("acme", randomIp(), `Bearer ${token}`)).status).toBe(200);
  }, 60_000);

  it("a good token is never counted: many good requests leave the address's refusals untouched", async () => {
    const { token } = await issueToken("acme");
    const ip = randomIp();
    await freshWindow();
    for (let i = 0; i < 3 * PER_ADDRESS; i++) expect((await get("acme", ip, `Bearer ${token}`)).status).toBe(200);
    for (let i = 0; i < PER_ADDRESS; i++) await expect401(await get(unknownSlug(), ip));
    await expect429(await get(unknownSlug(), ip));
  }, 40_000);

  it("a token that cannot be checked (D1 failing) answers 503 and is never counted as a refusal", async () => {
    const { token } = await issueToken("acme");
    const ip = randomIp();
    const failing = new Proxy(tenantDb("acme"), {
      get(target, prop) {
        if (prop === "batch") return () => Promise.reject(new Error("D1_ERROR: simulated outage"));
        const v = Reflect.get(target, prop, target);
        return typeof v === "function" ? v.bind(target) : v;
      },
    });
    await freshWindow();
    for (let i = 0; i < PER_ADDRESS + 5; i++) {
      const req = new Request(`${ORIGIN}/t/acme/scim/v2/Users/some-id`, {
        headers: { Authorization: `Bearer ${token}`, "CF-Connecting-IP": ip },
      });
      const res = await fetchWorker(req, { TENANT_ACME: failing });
      expect(res.status).toBe(503);
      await scimError(res);
    }
    // None of those counted against the address: a real refusal from it is still a 401.
    await expect401(await get("acme", ip));
  }, 40_000);
});
