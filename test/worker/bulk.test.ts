import { describe, expect, it } from "vitest";
import { BULK_MAX_OPERATIONS } from "../../src/scim/bulk-request";
import { ORIGIN, auditRows, entraUser, eventually, issueToken, newClient, scimError, tenantDb } from "./helpers";
import { fetchWorker, tracedD1 } from "./instrumented";

const BULK = "urn:ietf:params:scim:api:messages:2.0:BulkRequest";
const ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
const bulk = (Operations: unknown[], extra: Record<string, unknown> = {}) => ({
  schemas: [BULK],
  Operations,
  ...extra,
});
const postUser = (bulkId: string, over: Record<string, unknown> = {}) => ({
  method: "POST",
  path: "/Users",
  bulkId,
  data: entraUser(over),
});
const group = (over: Record<string, unknown> = {}) => ({
  schemas: ["urn:ietf:params:scim:schemas:core:2.0:Group"],
  displayName: `Bulk group ${crypto.randomUUID()}`,
  ...over,
});

async function countUsers(userNames: string[]): Promise<number> {
  const row = await tenantDb("acme")
    .prepare("SELECT count(*) AS n FROM users WHERE user_name IN (SELECT value FROM json_each(?1))")
    .bind(JSON.stringify(userNames))
    .first<{ n: number }>();
  return row?.n ?? 0;
}

describe("/Bulk (RFC 7644 3.7)", () => {
  it("creates users and a group of them in one request; the group may refer forward to its members' bulkIds", async () => {
    const c = await newClient();
    const res = await c.post(
      "/Bulk",
      bulk([
        {
          method: "POST",
          path: "/Groups",
          bulkId: "g",
          data: group({ members: [{ value: "bulkId:u1" }, { value: "bulkId:u2" }] }),
        },
        postUser("u1"),
        postUser("u2"),
      ]),
    );
    expect(res.status).toBe(200);
    expect(res.headers.get("Content-Type")).toMatch(/^application\/scim\+json/);
    const body = await res.json<any>();
    expect(body.schemas).toEqual(["urn:ietf:params:scim:api:messages:2.0:BulkResponse"]);
    expect(body.Operations.map((o: any) => [o.method, o.bulkId, o.status])).toEqual([
      ["POST", "g", "201"],
      ["POST", "u1", "201"],
      ["POST", "u2", "201"],
    ]);
    for (const o of body.Operations) expect(o.version).toBe('W/"1"');
    const [g, u1, u2] = body.Operations.map((o: any) => o.location as string);
    expect(u1).toMatch(new RegExp(`^${c.base}/Users/[0-9a-f-]{36}$`));
    const got = await (await c.get(g.slice(c.base.length))).json<any>();
    const ids = [u1, u2].map((l) => l.split("/").pop());
    expect(got.members.map((m: any) => m.value).sort()).toEqual(ids.sort());
  });

  it("resolves bulkId in a path and inside PATCH values (a manager, a member added later)", async () => {
    const c = await newClient();
    const res = await c.post(
      "/Bulk",
      bulk([
        postUser("boss"),
        postUser("emp"),
        { method: "POST", path: "/Groups", bulkId: "g", data: group() },
        {
          method: "PATCH",
          path: "/Users/bulkId:emp",
          data: {
            schemas: ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
            Operations: [{ op: "add", path: `${ENTERPRISE}:manager`, value: { value: "bulkId:boss" } }],
          },
        },
        {
          method: "PATCH",
          path: "/Groups/bulkId:g",
          data: {
            schemas: ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
            Operations: [{ op: "add", path: "members", value: [{ value: "bulkId:emp" }] }],
          },
        },
      ]),
    );
    const ops = (await res.json<any>()).Operations;
    expect(ops.map((o: any) => o.status)).toEqual(["201", "201", "201", "200", "200"]);
    const [boss, emp, g] = ops.map((o: any) => o.location.split("/").pop());
    expect(ops[3].location).toBe(`${c.base}/Users/${emp}`);
    const user = await (await c.get(`/Users/${emp}`)).json<any>();
    expect(user[ENTERPRISE].manager.value).toBe(boss);
    const got = await (await c.get(`/Groups/${g}`)).json<any>();
    expect(got.members.map((m: any) => m.value)).toEqual([emp]);
  });

  it("runs each operation through the single request's rules: a refused one answers its own error, the others stand", async () => {
    const c = await newClient();
    const good = entraUser();
    const missing = `missing-${crypto.randomUUID()}`;
    const res = await c.post(
      "/Bulk",
      bulk([
        { method: "POST", path: "/Users", bulkId: "a", data: good },
        postUser("noMail", { emails: [] }),
        { method: "POST", path: "/Users", bulkId: "dup", data: entraUser({ userName: good.userName }) },
        { method: "DELETE", path: "/Users/bulkId:a" },
        { method: "PUT", path: `/Users/${missing}`, data: entraUser() },
      ]),
    );
    const ops = (await res.json<any>()).Operations;
    expect(ops.map((o: any) => o.status)).toEqual(["201", "400", "409", "204", "404"]);
    expect(ops[1].response).toMatchObject({ status: "400", scimType: "invalidValue" });
    expect(ops[1].location).toBeUndefined();
    expect(ops[2].response).toMatchObject({ status: "409", scimType: "uniqueness" });
    // P9: a DELETE suspends the user, as the single DELETE does.
    const id = ops[0].location.split("/").pop();
    expect((await (await c.get(`/Users/${id}`)).json<any>()).active).toBe(false);
    // P23: the create, the suspension and each refusal are audited as single requests are.
    const rows = await eventually(async () => {
      const r = await auditRows("acme", id);
      return r.length >= 2 ? r : undefined;
    });
    expect(rows.map((r) => r.action)).toEqual(["create", "disable"]);
    const refused = await eventually(async () => {
      const r = await auditRows("acme", missing);
      return r.length ? r : undefined;
    });
    expect(refused.map((r) => [r.action, r.detail.method, r.detail.status])).toEqual([["refused", "PUT", 404]]);
  });

  it("failOnErrors: stops right after the error that reaches it; nothing after it is written", async () => {
    const c = await newClient();
    const users = Array.from({ length: 6 }, () => entraUser());
    const ops = [
      { method: "POST", path: "/Users", bulkId: "u0", data: users[0] },
      { method: "POST", path: "/Users", bulkId: "u1", data: { ...users[1], emails: [] } },
      { method: "POST", path: "/Users", bulkId: "u2", data: users[2] },
      { method: "POST", path: "/Users", bulkId: "u3", data: { ...users[3], emails: [] } },
      { method: "POST", path: "/Users", bulkId: "u4", data: users[4] },
      { method: "POST", path: "/Users", bulkId: "u5", data: users[5] },
    ];
    const res = await c.post("/Bulk", bulk(ops, { failOnErrors: 2 }));
    expect(res.status).toBe(200);
    const out = (await res.json<any>()).Operations;
    expect(out.map((o: any) => [o.bulkId, o.status])).toEqual([
      ["u0", "201"],
      ["u1", "400"],
      ["u2", "201"],
      ["u3", "400"],
    ]);
    expect(await countUsers(users.map((u) => u.userName as string))).toBe(2);
  });

  it("a reference that cannot be resolved is 409 (undeclared, or its POST failed), a cycle of references too", async () => {
    const c = await newClient();
    const a = entraUser();
    const b = entraUser();
    const res = await c.post(
      "/Bulk",
      bulk([
        postUser("bad", { emails: [] }),
        { method: "POST", path: "/Groups", bulkId: "g1", data: group({ members: [{ value: "bulkId:bad" }] }) },
        { method: "POST", path: "/Groups", bulkId: "g2", data: group({ members: [{ value: "bulkId:nowhere" }] }) },
        {
          method: "POST",
          path: "/Users",
          bulkId: "a",
          data: { ...a, [ENTERPRISE]: { manager: { value: "bulkId:b" } } },
        },
        {
          method: "POST",
          path: "/Users",
          bulkId: "b",
          data: { ...b, [ENTERPRISE]: { manager: { value: "bulkId:a" } } },
        },
      ]),
    );
    const ops = (await res.json<any>()).Operations;
    expect(ops.map((o: any) => [o.bulkId, o.status])).toEqual([
      ["bad", "400"],
      ["g1", "409"],
      ["g2", "409"],
      ["a", "409"],
      ["b", "409"],
    ]);
    expect(ops[1].response.detail).toMatch(/bulkId:bad.*failed/);
    expect(ops[2].response.detail).toMatch(/bulkId:nowhere.*no POST/);
    expect(ops[3].response.detail).toMatch(/cycle/);
    expect(await countUsers([a.userName as string, b.userName as string])).toBe(0);
  });

  it("refuses a malformed BulkRequest whole (400 invalidSyntax) and writes nothing", async () => {
    const c = await newClient();
    const u = entraUser();
    const ok = { method: "POST", path: "/Users", bulkId: "ok", data: u };
    const cases: [unknown, RegExp][] = [
      [[1, 2], /JSON object/],
      [{ Operations: [ok] }, /schemas/],
      [bulk([]), /non-empty/],
      [bulk([ok, { method: "GET", path: "/Users" }]), /Operation 1: "method"/],
      [bulk([ok, { method: "POST", path: "/Users", data: entraUser() }]), /Operation 1: a POST needs a "bulkId"/],
      [bulk([ok, { ...ok, data: entraUser() }]), /bulkId "ok" is used twice/],
      [bulk([ok, { method: "PATCH", path: "/Users" }]), /Operation 1: a PATCH's path names one resource/],
      [bulk([ok, { method: "POST", path: "/Devices", bulkId: "d", data: {} }]), /Operation 1: "path"/],
      [bulk([ok, { method: "PUT", path: "/Users/x" }]), /Operation 1: a PUT needs "data"/],
      [bulk([ok], { failOnErrors: 0 }), /failOnErrors/],
    ];
    for (const [body, detail] of cases) {
      const res = await c.post("/Bulk", body);
      expect(res.status, JSON.stringify(body).slice(0, 120)).toBe(400);
      const err = await scimError(res);
      expect(err.scimType).toBe("invalidSyntax");
      expect(err.detail).toMatch(detail);
    }
    expect(await countUsers([u.userName as string])).toBe(0);
  });

  it("refuses more than maxOperations (413 tooMany) and a body over maxPayloadSize (413), writing nothing", async () => {
    const c = await newClient();
    const first = entraUser();
    const ops = Array.from({ length: BULK_MAX_OPERATIONS + 1 }, (_, i) => ({
      method: "DELETE",
      path: `/Users/x${i}`,
    }));
    ops[0] = { method: "POST", path: "/Users", bulkId: "first", data: first } as never;
    const res = await c.post("/Bulk", bulk(ops));
    expect(res.status).toBe(413);
    expect((await scimError(res)).scimType).toBe("tooMany");
    const big = await c.post(
      "/Bulk",
      bulk([{ ...postUser("big"), data: entraUser({ displayName: "x".repeat(3 << 20) }) }]),
    );
    expect(big.status).toBe(413);
    expect((await scimError(big)).detail).toMatch(/exceeds/);
    expect(await countUsers([first.userName as string])).toBe(0);
  });

  it("answers only a good token, and only POST", async () => {
    const res = await fetchWorker(
      new Request(`${ORIGIN}/t/acme/scim/v2/Bulk`, { method: "POST", body: JSON.stringify(bulk([postUser("x")])) }),
    );
    expect(res.status).toBe(401);
    const c = await newClient();
    const get = await c.get("/Bulk");
    expect(get.status).toBe(405);
    expect(get.headers.get("Allow")).toBe("POST");
  });

  it("writes 100 creates in a handful of D1 round trips, not 100", async () => {
    const { token } = await issueToken("acme");
    const ops = Array.from({ length: 100 }, (_, i) => postUser(`u${i}`));
    const trips: string[][] = [];
    const res = await fetchWorker(
      new Request(`${ORIGIN}/t/acme/scim/v2/Bulk`, {
        method: "POST",
        headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/scim+json" },
        body: JSON.stringify(bulk(ops)),
      }),
      { TENANT_ACME: tracedD1(tenantDb("acme"), [], trips) },
    );
    const out = (await res.json<any>()).Operations;
    expect(out.filter((o: any) => o.status === "201")).toHaveLength(100);
    // The token check, then one batch of the 100 creates (300 statements, within one chunk).
    expect(trips.length).toBeLessThanOrEqual(3);
    expect(await countUsers(ops.map((o) => o.data.userName as string))).toBe(100);
  });

  it("a unique violation inside a combined batch costs only its own operation", async () => {
    const c = await newClient();
    const taken = `Bulk dup ${crypto.randomUUID()}`;
    const users = [entraUser(), entraUser()];
    const res = await c.post(
      "/Bulk",
      bulk([
        { method: "POST", path: "/Users", bulkId: "a", data: users[0] },
        { method: "POST", path: "/Groups", bulkId: "g1", data: group({ displayName: taken }) },
        { method: "POST", path: "/Groups", bulkId: "g2", data: group({ displayName: taken }) },
        { method: "POST", path: "/Users", bulkId: "b", data: users[1] },
      ]),
    );
    const ops = (await res.json<any>()).Operations;
    expect(ops.map((o: any) => o.status)).toEqual(["201", "201", "409", "201"]);
    expect(ops[2].response.scimType).toBe("uniqueness");
    expect(await countUsers(users.map((u) => u.userName as string))).toBe(2);
  });
});
