import {
  createExecutionContext,
  createMessageBatch,
  createScheduledController,
  env,
  waitOnExecutionContext,
} from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { listQuery } from "../../src/activity/list";
import { turnNear } from "../../src/fleet/prune-slot";
import { VIEW_SQL } from "../../src/activity/views";
import { consume } from "../../src/delivery/consumer";
import type { EventMessage } from "../../src/events/types";
import type { ActivityRecord } from "../../src/platform/queue";
import worker from "../../src/index";
import type { Env } from "../../src/platform/env";
import { ORIGIN, adminClient, entraUser, eventually, issueToken, patchOp, scimClient, tenantDb } from "./helpers";

const e = env as unknown as Env;
const ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
const eq = (attr: string, v: string) => `?filter=${encodeURIComponent(`${attr} eq "${v}"`)}`;

async function clearActivity(tenant: string) {
  await tenantDb(tenant).batch([
    tenantDb(tenant).prepare("DELETE FROM activity"),
    tenantDb(tenant).prepare("DELETE FROM activity_noise"),
  ]);
}

/** Records reach D1 through the real local Queue and the consumer: wait until `n` are there. */
async function recordsOf(tenant: string, n: number) {
  return eventually(async () => {
    const { results } = await tenantDb(tenant)
      .prepare("SELECT * FROM activity ORDER BY at, rowid")
      .all<Record<string, any>>();
    return results.length >= n ? results : null;
  });
}

describe("provisioning activity", () => {
  it("an Entra cycle gives one record per request, the health figures with their fixes, and one cycle", async () => {
    await clearActivity("acme");
    const admin = await adminClient();
    const ldapName = `LDAP Sales ${crypto.randomUUID()}`;
    expect((await admin.post("/import", { groups: [{ displayName: ldapName, source: "ldap" }] })).status).toBe(201);
    const { token, id: tokenId } = await issueToken("acme");
    const c = scimClient("acme", token);
    const [u1, u2, u3] = [entraUser(), entraUser(), entraUser()];
    const { emails: _none, ...u3NoEmail } = u3;

    // Entra's cycle: a lookup by userName before each create; a PATCH; a create without email; a group clash.
    expect((await c.get(`/Users${eq("userName", String(u1.userName))}`)).status).toBe(200);
    const created = await c.post("/Users", u1);
    expect(created.status).toBe(201);
    const id1 = (await created.json<any>()).id;
    expect((await c.get(`/Users${eq("userName", String(u2.userName))}`)).status).toBe(200);
    expect((await c.post("/Users", u2)).status).toBe(201);
    const patch = patchOp(
      { op: "Replace", path: "displayName", value: "Ann Renamed" },
      { op: "Replace", path: `${ENTERPRISE}:department`, value: "Marketing" },
    );
    expect((await c.patch(`/Users/${id1}`, patch)).status).toBe(204);
    expect((await c.get(`/Users${eq("userName", String(u3.userName))}`)).status).toBe(200);
    expect((await c.post("/Users", u3NoEmail)).status).toBe(400);
    expect(
      (await c.post("/Groups", { schemas: ["urn:ietf:params:scim:schemas:core:2.0:Group"], displayName: ldapName }))
        .status,
    ).toBe(409);

    const rows = await recordsOf("acme", 8);
    expect(rows).toHaveLength(8);
    expect(rows.map((r) => `${r.method} ${r.path.replace(id1, ":id")} ${r.status}`)).toEqual([
      "GET /Users 200",
      "POST /Users 201",
      "GET /Users 200",
      "POST /Users 201",
      "PATCH /Users/:id 204",
      "GET /Users 200",
      "POST /Users 400",
      "POST /Groups 409",
    ]);
    expect(rows.every((r) => r.token_id === tokenId)).toBe(true);

    const list = await (await admin.get("/activity?limit=50")).json<any>();
    expect(list.entries).toHaveLength(8);
    const [clash, noEmail, lookup3, patched, , , create1, lookup1] = list.entries;
    expect(lookup1).toMatchObject({
      op: "read",
      resourceType: "User",
      userName: u1.userName,
      query: `filter=userName eq "${u1.userName}"`,
    });
    expect(create1).toMatchObject({
      op: "create",
      status: 201,
      resourceId: id1,
      userName: u1.userName,
      externalId: u1.externalId,
      reason: null,
    });
    expect(patched.op).toBe("update");
    expect(patched.userName).toBe(u1.userName);
    expect(patched.changes).toEqual([
      { attribute: "displayName", old: u1.displayName, new: "Ann Renamed" },
      { attribute: `${ENTERPRISE}:department`, old: "Sales", new: "Marketing" },
    ]);
    expect(lookup3.userName).toBe(u3.userName);
    expect(noEmail).toMatchObject({
      status: 400,
      scimType: "invalidValue",
      reason: "email-required",
      userName: u3.userName,
    });
    expect(noEmail.detail).not.toMatch(/\bP\d+\b/);
    expect(clash).toMatchObject({
      status: 409,
      scimType: "uniqueness",
      reason: "unique-group-names",
      resourceType: "Group",
      displayName: ldapName,
    });

    const detail = await (await admin.get(`/activity/${noEmail.id}`)).json<any>();
    expect(detail.request).toMatchObject({ userName: u3.userName, name: u3.name });
    expect(detail.fix).toMatch(/emails\[type eq "work"\]\.value/);

    const health = await (await admin.get("/health")).json<any>();
    expect(health.lastHour).toEqual({ requests: 8, failures: 2, failureRatio: 0.25 });
    expect(health.last24h).toEqual({ requests: 8, failures: 2, failureRatio: 0.25 });
    expect(health.lastRequest).toBe(rows[7].at);
    expect(health.quarantine).toMatchObject({ threshold: 0.4, atRisk: false, likely: false });
    expect(health.state).toBe("failing");
    const reasons = Object.fromEntries(health.failureReasons.map((r: any) => [r.reason, r]));
    expect(Object.keys(reasons).sort()).toEqual(["email-required", "unique-group-names"]);
    expect(reasons["email-required"].count).toBe(1);
    expect(reasons["email-required"].fix).toMatch(
      /map `mail` or `userPrincipalName` to `emails\[type eq "work"\]\.value`/,
    );
    expect(reasons["unique-group-names"].title).toMatch(/LDAP/);
    expect(health.tokens.find((t: any) => t.id === tokenId)?.lastUsed).toBe(rows[7].at);

    const cycles = await (await admin.get("/cycles")).json<any>();
    expect(cycles.cycles).toEqual([
      expect.objectContaining({
        start: rows[0].at,
        end: rows[7].at,
        requests: 8,
        reads: 3,
        creates: 2,
        updates: 1,
        deletes: 0,
        failures: 2,
      }),
    ]);

    // The user's timeline: its lookup (by userName, before Entra knew its id), its create and its PATCH.
    const timeline = await (await admin.get(`/activity?user=${id1}`)).json<any>();
    expect(timeline.entries.map((x: any) => x.op)).toEqual(["update", "create", "read"]);
  });

  it("cycles are recognised by the gaps between bursts", async () => {
    await clearActivity("globex");
    const c = scimClient("globex", (await issueToken("globex")).token);
    for (let i = 0; i < 3; i++)
      expect((await c.get(`/Users${eq("userName", `nobody${i}@contoso.com`)}`)).status).toBe(200);
    const rows = await recordsOf("globex", 3);
    // Move the first request an hour back: Entra's previous cycle.
    await tenantDb("globex")
      .prepare("UPDATE activity SET at = ?2 WHERE id = ?1")
      .bind(rows[0].id, new Date(Date.now() - 3_600_000).toISOString())
      .run();
    const admin = await adminClient("globex");
    const { cycles } = await (await admin.get("/cycles?gapMinutes=10")).json<any>();
    expect(cycles.map((x: any) => x.requests)).toEqual([2, 1]);
    expect((await admin.get("/cycles?gapMinutes=0")).status).toBe(400);
  });

  it("redaction: no token, no secret-looking value, bodies capped at 8 KiB", async () => {
    await clearActivity("globex");
    const { token } = await issueToken("globex");
    const c = scimClient("globex", token);
    const apiKey = "sk9f8a7d6s5f4g3h2j1k0l9z8x7c6v5b4n3m2";
    const user = entraUser({ password: "Secr3t-Passw0rd!", nickName: apiKey, title: "x".repeat(2000) });
    const res = await c.post("/Users", user);
    expect(res.status).toBe(201);
    const { id } = await res.json<any>();
    // A membership PATCH of 2,000 ids: far more than 8 KiB of body.
    const members = Array.from({ length: 2000 }, () => ({ value: crypto.randomUUID() }));
    const groupRes = await c.post("/Groups", {
      schemas: ["urn:ietf:params:scim:schemas:core:2.0:Group"],
      displayName: `G ${crypto.randomUUID()}`,
    });
    const gid = (await groupRes.json<any>()).id;
    expect((await c.patch(`/Groups/${gid}`, patchOp({ op: "Add", path: "members", value: members }))).status).toBe(400);
    expect(
      (await c.get(`/Users?filter=${encodeURIComponent(`userName eq "${user.userName}"`)}&access_token=${token}`))
        .status,
    ).toBe(200);

    const rows = await recordsOf("globex", 4);
    const stored = JSON.stringify(rows);
    expect(stored).not.toContain(token);
    expect(stored).not.toContain(token.slice(5, 25));
    expect(stored).not.toContain("Secr3t");
    expect(stored).not.toContain(apiKey);
    const create = rows.find((r) => r.method === "POST" && r.path === "/Users")!;
    const body = JSON.parse(create.request);
    expect(body.password).toBe("[redacted]");
    expect(body.nickName).toBe("[redacted]");
    expect(body.title.length).toBeLessThan(400);
    expect(body.userName).toBe(user.userName);
    expect(create.resource_id).toBe(id);
    const big = rows.find((r) => r.method === "PATCH")!;
    expect(new TextEncoder().encode(big.request).byteLength).toBeLessThanOrEqual(8192);
    expect(big.request_bytes).toBeGreaterThan(80_000);
    expect(JSON.parse(big.request).Operations[0].value).toContain("… 1980 more");
    const lookup = rows.find((r) => r.method === "GET")!;
    expect(lookup.query).toContain("access_token=[redacted]");
    // The group's timeline: its create and the refused PATCH.
    const timeline = await (await (await adminClient("globex")).get(`/activity?group=${gid}`)).json<any>();
    expect(timeline.entries.map((x: any) => `${x.op} ${x.status}`)).toEqual(["update 400", "create 201"]);
  });

  it("unauthenticated requests are counted, not stored", async () => {
    await clearActivity("acme");
    const bad = scimClient("acme", `scim_${"A".repeat(43)}`);
    for (let i = 0; i < 3; i++) expect((await bad.get("/Users")).status).toBe(401);
    expect((await scimClient("acme", "garbage").get("/Groups")).status).toBe(401);
    const good = scimClient("acme", (await issueToken("acme")).token);
    expect((await good.get("/ServiceProviderConfig")).status).toBe(200);
    const admin = await adminClient();
    const health = await eventually(async () => {
      const h = await (await admin.get("/health")).json<any>();
      const n = h.unauthenticated24h.reduce((s: number, r: any) => s + r.count, 0);
      return n >= 4 && h.last24h.requests >= 1 ? h : null;
    });
    expect(health.unauthenticated24h).toEqual(
      expect.arrayContaining([
        { reason: "unknown", count: 3 },
        { reason: "malformed", count: 1 },
      ]),
    );
    const rows = await recordsOf("acme", 1);
    expect(rows.map((r) => r.status)).toEqual([200]);
  });

  it("retention: the cron prunes records older than the tenant's setting (default 30 days)", async () => {
    for (const t of ["acme", "globex"]) await clearActivity(t);
    for (const t of ["acme", "globex"]) {
      const c = scimClient(t, (await issueToken(t)).token);
      for (let i = 0; i < 3; i++) expect((await c.get("/Schemas")).status).toBe(200);
    }
    const ago = (days: number) => new Date(Date.now() - days * 86_400_000).toISOString();
    for (const t of ["acme", "globex"]) {
      const rows = await recordsOf(t, 3);
      const db = tenantDb(t);
      await db.batch(
        rows.map((r, i) =>
          db
            .prepare("UPDATE activity SET at = ?2 WHERE id = ?1")
            .bind(r.id, ago((t === "acme" ? [9, 11, 0] : [29, 31, 0])[i])),
        ),
      );
    }
    // acme keeps 10 days: its records are 9, 11 and 0 days old; globex keeps the default 30: 29, 31 and 0.
    const admin = await adminClient("acme");
    expect((await admin.put("/settings", { activityRetentionDays: 10 })).status).toBe(200);
    expect((await admin.put("/settings", { activityRetentionDays: 0 })).status).toBe(400);
    // Each tenant is pruned on its own turn of the day (src/fleet/prune-slot.ts).
    for (const t of ["acme", "globex"]) {
      const ctx = createExecutionContext();
      const scheduledTime = turnNear(t, Date.now());
      await worker.scheduled!(
        createScheduledController({ cron: "* * * * *", scheduledTime }) as ScheduledController,
        e,
        ctx,
      );
      await waitOnExecutionContext(ctx);
    }
    for (const t of ["acme", "globex"]) {
      const { results } = await tenantDb(t).prepare("SELECT at FROM activity ORDER BY at").all<{ at: string }>();
      expect(results.map((r) => Math.round((Date.now() - Date.parse(r.at)) / 86_400_000))).toEqual(
        t === "acme" ? [9, 0] : [29, 0],
      );
    }
    await admin.put("/settings", { activityRetentionDays: 30 });
  });

  it("a tenant never sees another tenant's records", async () => {
    for (const t of ["acme", "globex"]) await clearActivity(t);
    const acme = scimClient("acme", (await issueToken("acme")).token);
    const secretName = `only-acme-${crypto.randomUUID()}@contoso.com`;
    expect((await acme.get(`/Users${eq("userName", secretName)}`)).status).toBe(200);
    const [row] = await recordsOf("acme", 1);
    const globexAdmin = await adminClient("globex");
    expect((await globexAdmin.get(`/activity/${row.id}`)).status).toBe(404);
    const list = await (await globexAdmin.get(`/activity?userName=${encodeURIComponent(secretName)}`)).json<any>();
    expect(list.entries).toEqual([]);
    expect((await (await globexAdmin.get("/health")).json<any>()).last24h.requests).toBe(0);
    const acmeAdmin = await adminClient("acme");
    expect(
      (await (await acmeAdmin.get(`/activity?userName=${encodeURIComponent(secretName)}`)).json<any>()).entries,
    ).toHaveLength(1);
    // An acme admin token opens nothing of globex's.
    const res = await SELF_fetch(`${ORIGIN}/t/globex/admin/api/activity`, (await issueToken("acme", "admin")).token);
    expect(res.status).toBe(401);
  });

  it("filters are validated and page by cursor", async () => {
    const admin = await adminClient();
    for (const q of ["status=3xx", "method=HEAD", "from=yesterday", "limit=0", "before=x", "colour=red"]) {
      const res = await admin.get(`/activity?${q}`);
      expect(res.status, q).toBe(400);
      expect((await res.json<any>()).error.status).toBe(400);
    }
    await clearActivity("acme");
    const c = scimClient("acme", (await issueToken("acme")).token);
    for (let i = 0; i < 5; i++) await c.get(`/Users/${crypto.randomUUID()}`);
    await recordsOf("acme", 5);
    const first = await (await admin.get("/activity?status=4xx&resource=User&method=GET&limit=3")).json<any>();
    expect(first.entries).toHaveLength(3);
    expect(first.entries.every((x: any) => x.status === 404 && x.reason === "not-found")).toBe(true);
    const second = await (
      await admin.get(`/activity?status=4xx&limit=3&before=${encodeURIComponent(first.next)}`)
    ).json<any>();
    expect(second.entries).toHaveLength(2);
    expect(second.next).toBeNull();
    expect((await (await admin.get("/activity?status=2xx")).json<any>()).entries).toEqual([]);
  });

  it("a redelivered message writes its records once", async () => {
    await clearActivity("globex");
    const c = scimClient("globex", (await issueToken("globex")).token);
    expect((await c.get("/ResourceTypes")).status).toBe(200);
    const [row] = await recordsOf("globex", 1);
    await clearActivity("globex");
    const camel = (k: string) => k.replace(/_(\w)/g, (_m, x: string) => x.toUpperCase());
    const record = Object.fromEntries(Object.entries(row).map(([k, v]) => [camel(k), v])) as unknown as ActivityRecord;
    const message: EventMessage = {
      v: 1,
      tenant: "globex",
      ids: [],
      activity: [record],
      noise: [{ id: "f1:unknown", at: row.at, reason: "unknown", count: 2 }],
    };
    for (let i = 0; i < 2; i++) {
      await consume(
        createMessageBatch<EventMessage>("scim-events", [
          { id: `m${i}`, timestamp: new Date(), attempts: i + 1, body: message },
        ]),
        e,
      );
    }
    const { results } = await tenantDb("globex").prepare("SELECT * FROM activity").all<Record<string, any>>();
    expect(results).toEqual([row]);
    expect(
      (await tenantDb("globex").prepare("SELECT sum(count) AS n FROM activity_noise").first<{ n: number }>())?.n,
    ).toBe(2);
  });

  it("a request never waits for its record: the answer leaves while the Queue send still hangs", async () => {
    const { token } = await issueToken("globex");
    const sends: string[] = [];
    const hanging = {
      send: () => (sends.push("send"), new Promise(() => {})),
      sendBatch: () => (sends.push("batch"), new Promise(() => {})),
    };
    const ctx = createExecutionContext();
    const res = await worker.fetch!(
      new Request(`${ORIGIN}/t/globex/scim/v2/Users${eq("userName", "nobody@contoso.com")}`, {
        headers: { Authorization: `Bearer ${token}` },
      }) as Request<unknown, IncomingRequestCfProperties>,
      { ...e, EVENTS: hanging as unknown as Queue },
      ctx,
    );
    expect(res.status).toBe(200);
    expect((await res.json<any>()).totalResults).toBe(0);
    // The record was built and handed to the (hanging) Queue after the answer.
    await eventually(async () => sends.length > 0);
    expect(sends).toEqual(["batch"]);
  });

  it("with ACTIVITY=off nothing is recorded and the events still reach the audit log", async () => {
    await clearActivity("globex");
    const { token } = await issueToken("globex");
    const ctx = createExecutionContext();
    const res = await worker.fetch!(
      new Request(`${ORIGIN}/t/globex/scim/v2/Users`, {
        method: "POST",
        headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/scim+json" },
        body: JSON.stringify(entraUser()),
      }) as Request<unknown, IncomingRequestCfProperties>,
      { ...e, ACTIVITY: "off" },
      ctx,
    );
    await waitOnExecutionContext(ctx);
    expect(res.status).toBe(201);
    const { id } = await res.json<any>();
    await eventually(() =>
      tenantDb("globex").prepare("SELECT 1 AS ok FROM audit_log WHERE resource_id = ?1").bind(id).first(),
    );
    expect((await tenantDb("globex").prepare("SELECT count(*) AS n FROM activity").first<{ n: number }>())?.n).toBe(0);
  });
});

async function SELF_fetch(url: string, token: string) {
  const { SELF } = await import("cloudflare:test");
  return SELF.fetch(url, { headers: { Authorization: `Bearer ${token}` } });
}

describe("activity views use their indexes", () => {
  const plan = async (sql: string, params: unknown[] = []) => {
    const { results } = await tenantDb("acme")
      .prepare(`EXPLAIN QUERY PLAN ${sql}`)
      .bind(...params)
      .all<{ detail: string }>();
    return results.map((r) => r.detail).join("\n");
  };
  const t = new Date().toISOString();

  it.each([
    ["counts", VIEW_SQL.counts, [t], /COVERING INDEX activity_at/],
    ["failure reasons", VIEW_SQL.reasons, [t, 10], /INDEX activity_failures/],
    ["last request", VIEW_SQL.last, [], /COVERING INDEX activity_at/],
    ["token last used", VIEW_SQL.tokens, [], /COVERING INDEX activity_token/],
    ["cycles", VIEW_SQL.cycles, [t, t, 10, 20], /INDEX activity_at/],
  ])("%s", async (_name, sql, params, index) => {
    const p = await plan(sql, params);
    expect(p).toMatch(index);
    expect(p).not.toMatch(/SCAN activity(?! USING)/);
  });

  it("list filters and timelines", async () => {
    const failed = listQuery({ status: "4xx", limit: 50 });
    expect(await plan(failed.sql, failed.params)).toMatch(/activity_failures/);
    const timeline = listQuery({ user: { id: "u", userName: "a@b.c", externalId: "e" }, limit: 50 });
    const p = await plan(timeline.sql, timeline.params);
    for (const index of ["activity_resource", "activity_user_name", "activity_external_id"]) expect(p).toContain(index);
    const byName = listQuery({ userName: "a@b.c", limit: 50 });
    expect(await plan(byName.sql, byName.params)).toMatch(/INDEX activity_user_name/);
  });
});
