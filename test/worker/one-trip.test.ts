import { describe, expect, it } from "vitest";
import { ORIGIN, adminClient, entraUser, issueToken, patchOp, tenantDb } from "./helpers";
import { fetchWorker, tracedD1 } from "./instrumented";

/**
 * Issue 18: a SCIM request whose token this isolate knows checks it inside its own first D1
 * batch (http/one-trip.ts), and writes computed from what the isolate remembers apply only at
 * the stored version. These tests hold the guarantees of the classic way on that path: a revoked
 * token changes nothing, a changed tenant state or row is seen, no accepted write is lost.
 */
const TENANT = "acme";
const GUARD = /^SELECT abs\(\(EXISTS \(SELECT 1 FROM tokens/;
let address = 0;

/** One request through the real Worker, the tenant's D1 traced; each from its own address (rate limit). */
async function call(token: string, method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  const trips: string[][] = [];
  const req = new Request(`${ORIGIN}/t/${TENANT}/scim/v2${path}`, {
    method,
    headers: {
      Authorization: `Bearer ${token}`,
      "CF-Connecting-IP": `198.51.100.${++address % 250}`,
      ...(body !== undefined ? { "Content-Type": "application/scim+json" } : {}),
      ...headers,
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const res = await fetchWorker(req, { TENANT_ACME: tracedD1(tenantDb(TENANT), [], trips) });
  return { res, trips, bodyRead: req.bodyUsed };
}

async function json<T = Record<string, any>>(r: Promise<{ res: Response }>): Promise<T> {
  return (await (await r).res.json()) as T;
}

/** Everything a SCIM write could change, as one comparable value. */
async function snapshot() {
  const db = tenantDb(TENANT);
  const rows = await db.batch([
    db.prepare("SELECT id, version, doc, active, source FROM users ORDER BY id"),
    db.prepare("SELECT id, version, doc FROM groups ORDER BY id"),
    db.prepare("SELECT group_id, member_id FROM group_members ORDER BY 1, 2"),
    db.prepare("SELECT count(*) AS n FROM outbox"),
    db.prepare("SELECT key, value FROM settings WHERE key <> 'cursorKey' ORDER BY key"),
    db.prepare("SELECT name FROM custom_attributes ORDER BY name"),
  ]);
  return rows.map((r) => r.results);
}

/** A token the isolate has seen good (its KV record and the tenant state are remembered). */
async function knownToken() {
  const { token, id } = await issueToken(TENANT);
  expect((await call(token, "GET", "/Users?filter=userName+eq+%22nobody%22")).res.status).toBe(200);
  return { token, id };
}

describe("one round trip per request (issue 18)", () => {
  it("a revoked token the isolate knew, and a made-up one, change nothing on any write route", async () => {
    const { token, id } = await knownToken();
    const user = await json(call(token, "POST", "/Users", entraUser()));
    const member = await json(call(token, "POST", "/Users", entraUser()));
    const group = await json(
      call(token, "POST", "/Groups", {
        schemas: ["urn:ietf:params:scim:schemas:core:2.0:Group"],
        displayName: `G ${crypto.randomUUID()}`,
        members: [{ value: member.id }],
      }),
    );
    // The isolate remembers the user and the group from these answers; now the token is revoked.
    await tenantDb(TENANT)
      .prepare("UPDATE tokens SET revoked = ?1 WHERE id = ?2")
      .bind(new Date().toISOString(), id)
      .run();
    const writes: [string, string, unknown][] = [
      ["POST", "/Users", entraUser()],
      ["PUT", `/Users/${user.id}`, { ...entraUser(), userName: user.userName, displayName: "Changed" }],
      ["PATCH", `/Users/${user.id}`, patchOp({ op: "Replace", path: "displayName", value: "Changed" })],
      ["PATCH", `/Users/${user.id}`, patchOp({ op: "Replace", path: "active", value: "False" })],
      ["DELETE", `/Users/${user.id}`, undefined],
      ["POST", "/Groups", { schemas: ["urn:ietf:params:scim:schemas:core:2.0:Group"], displayName: "New group" }],
      ["PATCH", `/Groups/${group.id}`, patchOp({ op: "Add", path: "members", value: [{ value: user.id }] })],
      ["PATCH", `/Groups/${group.id}`, patchOp({ op: "Remove", path: "members", value: [{ value: member.id }] })],
      ["PUT", `/Groups/${group.id}`, { schemas: ["urn:ietf:params:scim:schemas:core:2.0:Group"], displayName: "X" }],
      ["DELETE", `/Groups/${group.id}`, undefined],
    ];
    const before = await snapshot();
    const fake = `scim_${"E".repeat(43)}`;
    for (const [method, path, body] of writes) {
      for (const t of [token, fake]) {
        const r = await call(t, method, path, body);
        expect(r.res.status, `${method} ${path}`).toBe(401);
        expect(await r.res.json()).toMatchObject({ status: "401" });
      }
    }
    expect(await snapshot()).toEqual(before);
  });

  it("a revoked token is checked in the write's own batch once; afterwards its bodies are not read", async () => {
    const { token, id } = await knownToken();
    await tenantDb(TENANT)
      .prepare("UPDATE tokens SET revoked = ?1 WHERE id = ?2")
      .bind(new Date().toISOString(), id)
      .run();
    const first = await call(token, "POST", "/Users", entraUser());
    expect(first.res.status).toBe(401);
    // The one-trip batch went out led by the guard, which refused it; then the classic check.
    expect(first.trips[0][0]).toMatch(GUARD);
    expect(first.trips).toHaveLength(2);
    const second = await call(token, "POST", "/Users", entraUser());
    expect(second.res.status).toBe(401);
    expect(second.bodyRead).toBe(false);
    expect(second.trips.flat().some((sql) => GUARD.test(sql))).toBe(false);
  });

  it("P18 a custom attribute defined meanwhile is seen by the next create (the tenant state changed)", async () => {
    const { token } = await knownToken();
    const name = `cust${crypto.randomUUID().slice(0, 8)}`;
    expect((await (await adminClient(TENANT)).post("/custom-attributes", { name })).status).toBe(201);
    const ext = "urn:ietf:params:scim:schemas:extension:ivanti:2.0:User";
    const r = await call(token, "POST", "/Users", {
      ...entraUser(),
      schemas: ["urn:ietf:params:scim:schemas:core:2.0:User", ext],
      [ext]: { [name]: "kept" },
    });
    expect(r.res.status).toBe(201);
    expect(((await r.res.json()) as Record<string, any>)[ext]).toEqual({ [name]: "kept" });
    // Guard refused (state changed), classic check, then the create: no value was dropped.
    expect(r.trips[0][0]).toMatch(GUARD);
  });

  it("a user changed behind the isolate's copy: the PATCH applies to the stored row and loses nothing", async () => {
    const { token } = await knownToken();
    const user = await json(call(token, "POST", "/Users", entraUser()));
    // Another isolate's write: the stored row moves on, this isolate's copy stays at version 1.
    await tenantDb(TENANT)
      .prepare("UPDATE users SET doc = json_set(doc, '$.title', 'Engineer'), version = version + 1 WHERE id = ?1")
      .bind(user.id)
      .run();
    const r = await call(
      token,
      "PATCH",
      `/Users/${user.id}`,
      patchOp({ op: "Replace", path: "displayName", value: "New" }),
    );
    expect(r.res.status).toBe(204);
    expect(r.res.headers.get("ETag")).toBe('W/"3"');
    expect(r.trips).toHaveLength(2);
    const stored = await json(call(token, "GET", `/Users/${user.id}`));
    expect(stored).toMatchObject({ displayName: "New", title: "Engineer" });
  });

  it("If-Match is judged on the stored version, not on the isolate's copy", async () => {
    const { token } = await knownToken();
    const user = await json(call(token, "POST", "/Users", entraUser()));
    await tenantDb(TENANT).prepare("UPDATE users SET version = version + 1 WHERE id = ?1").bind(user.id).run();
    const op = patchOp({ op: "Replace", path: "displayName", value: "Late" });
    const stale = await call(token, "PATCH", `/Users/${user.id}`, op, { "If-Match": 'W/"1"' });
    expect(stale.res.status).toBe(412);
    const current = await call(token, "PATCH", `/Users/${user.id}`, op, { "If-Match": 'W/"2"' });
    expect(current.res.status).toBe(204);
    expect(current.res.headers.get("ETag")).toBe('W/"3"');
  });

  it("a group changed behind its object's copy: the membership PATCH applies to the stored group", async () => {
    const { token } = await knownToken();
    const [a, b] = [
      await json(call(token, "POST", "/Users", entraUser())),
      await json(call(token, "POST", "/Users", entraUser())),
    ];
    const group = await json(
      call(token, "POST", "/Groups", {
        schemas: ["urn:ietf:params:scim:schemas:core:2.0:Group"],
        displayName: `G ${crypto.randomUUID()}`,
      }),
    );
    const add = (id: string) => patchOp({ op: "Add", path: "members", value: [{ value: id }] });
    expect((await call(token, "PATCH", `/Groups/${group.id}`, add(a.id))).res.status).toBe(204);
    // Written around the object (as no SCIM path does): its copy is now stale.
    const db = tenantDb(TENANT);
    await db.batch([
      db.prepare("DELETE FROM group_members WHERE group_id = ?1").bind(group.id),
      db.prepare("UPDATE groups SET version = version + 1 WHERE id = ?1").bind(group.id),
    ]);
    const r = await call(token, "PATCH", `/Groups/${group.id}`, add(b.id));
    expect(r.res.status).toBe(204);
    expect(r.res.headers.get("ETag")).toBe('W/"4"');
    const members = await json<{ members: { value: string }[] }>(call(token, "GET", `/Groups/${group.id}`));
    expect(members.members.map((m) => m.value)).toEqual([b.id]);
    // A no-op keeps the version, on the one-trip way too.
    const again = await call(token, "PATCH", `/Groups/${group.id}`, add(b.id));
    expect(again.res.headers.get("ETag")).toBe('W/"4"');
  });
});
