import { env, runInDurableObject } from "cloudflare:test";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { GroupMembership } from "../../src/membership/durable-object";
import type { Env } from "../../src/platform/env";
import { ORIGIN, adminClient, entraUser, issueToken, patchOp, tenantDb } from "./helpers";
import { fetchWorker, tracedD1 } from "./instrumented";

/**
 * Issue 18: how many D1 round trips each of Entra's operations waits for, from the Worker and
 * from the group's Durable Object. A round trip is one awaited batch(), first(), all(), run() or
 * raw(), counted on the tenant's real local D1 (instrumented.ts): a count, not a time.
 *
 * The operations run in Entra's order (it looks a user up before it creates or changes it), in
 * one isolate that has served the tenant before, as a provisioning cycle does.
 */
const TENANT = "acme";
const e = env as unknown as Env;

interface Trips {
  worker: string[][];
  object: string[][];
}

/** Round trips per operation: [from the Worker, from the group's Durable Object]. */
const EXPECTED: Record<string, [number, number]> = {
  "lookup by userName (none)": [1, 0],
  "lookup by externalId (none)": [1, 0],
  "lookup by work email (none)": [1, 0],
  create: [1, 0],
  "lookup by userName (found)": [1, 0],
  "lookup by externalId (found)": [1, 0],
  "lookup by work email (found)": [1, 0],
  "GET by id": [1, 0],
  PUT: [1, 0],
  "PATCH replace": [1, 0],
  "PATCH active=false": [1, 0],
  "PATCH active=true": [1, 0],
  DELETE: [1, 0],
  "create as takeover (P11)": [2, 0],
  "PATCH of a user this isolate has not read": [2, 0],
  "group lookup by displayName": [1, 0],
  "group create": [1, 0],
  "group PATCH add members": [1, 1],
  "group PATCH remove members": [1, 1],
  "group GET with members": [1, 0],
  "group GET without members": [1, 0],
  "group PUT": [1, 1],
  "group DELETE": [1, 1],
};

/** The measured rows of `ops` against EXPECTED, as one comparison (a failure shows the whole table). */
function expectTrips(ops: string[]) {
  const measured = Object.fromEntries(rows.filter((r) => ops.includes(r.op)).map((r) => [r.op, [r.worker, r.object]]));
  expect(measured).toEqual(Object.fromEntries(ops.map((op) => [op, EXPECTED[op]])));
}

let auth = "";
const rows: { op: string; worker: number; object: number; status: number }[] = [];

/** The group's Durable Object sees the tenant's D1 through the tracer too (its own env, set on the live instance). */
async function traceObject(groupId: string, trips: string[][]) {
  const stub = e.GROUPS.getByName(`${TENANT}:${groupId}`) as DurableObjectStub<GroupMembership>;
  await runInDurableObject(stub, (obj: GroupMembership) => {
    (obj as unknown as { env: Env }).env = { ...e, TENANT_ACME: tracedD1(tenantDb(TENANT), [], trips) } as Env;
  });
}

async function measure(
  op: string,
  method: string,
  path: string,
  body?: unknown,
  group?: string,
): Promise<{ res: Response; trips: Trips }> {
  const trips: Trips = { worker: [], object: [] };
  if (group) await traceObject(group, trips.object);
  const req = new Request(`${ORIGIN}/t/${TENANT}/scim/v2${path}`, {
    method,
    headers: { Authorization: auth, ...(body !== undefined ? { "Content-Type": "application/scim+json" } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const res = await fetchWorker(req, { TENANT_ACME: tracedD1(tenantDb(TENANT), [], trips.worker) });
  if (group) await traceObject(group, []);
  rows.push({ op, worker: trips.worker.length, object: trips.object.length, status: res.status });
  return { res, trips };
}

const q = (resource: string, filter: string, extra = "") => `/${resource}?${extra}filter=${encodeURIComponent(filter)}`;

describe("D1 round trips per Entra operation (issue 18)", () => {
  beforeAll(async () => {
    auth = `Bearer ${(await issueToken(TENANT)).token}`;
    // The isolate has served this tenant before (any request of the cycle): what it remembers is warm.
    await measure("warm-up", "GET", q("Users", 'userName eq "nobody@contoso.com"'));
    rows.length = 0;
  });

  afterAll(() => {
    const table = [
      "| operation | status | Worker | Durable Object |",
      "| --- | --- | --- | --- |",
      ...rows.map((r) => `| ${r.op} | ${r.status} | ${r.worker} | ${r.object || "-"} |`),
    ].join("\n");
    console.log(`D1 round trips per operation:\n${table}`);
  });

  it("users", async () => {
    const user = entraUser();
    const lookups = [
      ["lookup by userName (none)", q("Users", `userName eq "${user.userName}"`)],
      ["lookup by externalId (none)", q("Users", `externalId eq "${user.externalId}"`)],
      ["lookup by work email (none)", q("Users", `emails[type eq "work"].value eq "${user.userName}"`)],
    ];
    for (const [op, path] of lookups) expect((await measure(op, "GET", path)).res.status).toBe(200);

    const created = await measure("create", "POST", "/Users", user);
    expect(created.res.status).toBe(201);
    const id = ((await created.res.json()) as { id: string }).id;

    for (const [op, path] of lookups.slice(0, 2)) {
      const found = await measure(op.replace("none", "found"), "GET", path);
      expect(((await found.res.json()) as { totalResults: number }).totalResults).toBe(1);
    }
    const byEmail = await measure("lookup by work email (found)", "GET", lookups[2][1]);
    expect(((await byEmail.res.json()) as { totalResults: number }).totalResults).toBe(1);
    expect((await measure("GET by id", "GET", `/Users/${id}`)).res.status).toBe(200);

    const put = await measure("PUT", "PUT", `/Users/${id}`, { ...user, displayName: "Put Name" });
    expect(put.res.status).toBe(200);
    const replace = await measure(
      "PATCH replace",
      "PATCH",
      `/Users/${id}`,
      patchOp(
        { op: "Replace", path: "displayName", value: "Patched Name" },
        { op: "Replace", path: 'emails[type eq "work"].value', value: `new-${user.userName}` },
      ),
    );
    expect(replace.res.status).toBe(204);
    const disable = await measure(
      "PATCH active=false",
      "PATCH",
      `/Users/${id}`,
      patchOp({ op: "Replace", path: "active", value: "False" }),
    );
    expect(disable.res.status).toBe(204);
    const reenable = await measure(
      "PATCH active=true",
      "PATCH",
      `/Users/${id}`,
      patchOp({ op: "Replace", path: "active", value: true }),
    );
    expect(reenable.res.status).toBe(204);
    const del = await measure("DELETE", "DELETE", `/Users/${id}`);
    expect(del.res.status).toBe(204);

    // P11: a user from another source with the same userName is taken over by the create.
    const local = entraUser();
    const admin = await adminClient(TENANT);
    expect((await admin.post("/import", { users: [{ ...local, source: "local" }] })).status).toBe(201);
    const takeover = await measure("create as takeover (P11)", "POST", "/Users", local);
    expect(takeover.res.status).toBe(201);
    // A user this isolate never read (imported by an admin): the classic read comes first.
    const imported = entraUser();
    const res = await admin.post("/import", { users: [{ ...imported, source: "local" }] });
    const unseen = {
      id: ((await res.json()) as { ids: Record<string, string> }).ids[String(imported.userName).toLowerCase()],
    };
    const cold = await measure(
      "PATCH of a user this isolate has not read",
      "PATCH",
      `/Users/${unseen.id}`,
      patchOp({ op: "Replace", path: "displayName", value: "Cold" }),
    );
    expect(cold.res.status).toBe(204);
    expectTrips(Object.keys(EXPECTED).filter((op) => !op.startsWith("group")));
  });

  it("groups", async () => {
    const name = `Group ${crypto.randomUUID()}`;
    await measure(
      "group lookup by displayName",
      "GET",
      q("Groups", `displayName eq "${name}"`, "excludedAttributes=members&"),
    );
    const created = await measure("group create", "POST", "/Groups", {
      schemas: ["urn:ietf:params:scim:schemas:core:2.0:Group"],
      displayName: name,
      externalId: crypto.randomUUID(),
      members: [],
    });
    expect(created.res.status).toBe(201);
    const gid = ((await created.res.json()) as { id: string }).id;

    const members: string[] = [];
    for (let i = 0; i < 2; i++) {
      const r = await measure(`(setup: user ${i})`, "POST", "/Users", entraUser());
      members.push(((await r.res.json()) as { id: string }).id);
      rows.pop();
    }
    const add = await measure(
      "group PATCH add members",
      "PATCH",
      `/Groups/${gid}`,
      patchOp({ op: "Add", path: "members", value: members.map((value) => ({ value })) }),
      gid,
    );
    expect(add.res.status).toBe(204);
    const remove = await measure(
      "group PATCH remove members",
      "PATCH",
      `/Groups/${gid}`,
      patchOp({ op: "Remove", path: "members", value: [{ value: members[1] }] }),
      gid,
    );
    expect(remove.res.status).toBe(204);
    expect((await measure("group GET with members", "GET", `/Groups/${gid}`)).res.status).toBe(200);
    expect(
      (await measure("group GET without members", "GET", `/Groups/${gid}?excludedAttributes=members`)).res.status,
    ).toBe(200);
    const put = await measure(
      "group PUT",
      "PUT",
      `/Groups/${gid}`,
      {
        schemas: ["urn:ietf:params:scim:schemas:core:2.0:Group"],
        displayName: `${name} renamed`,
        members: [{ value: members[0] }],
      },
      gid,
    );
    expect(put.res.status).toBe(200);
    const del = await measure("group DELETE", "DELETE", `/Groups/${gid}`, undefined, gid);
    expect(del.res.status).toBe(204);
    expectTrips(Object.keys(EXPECTED).filter((op) => op.startsWith("group")));
  });
});
