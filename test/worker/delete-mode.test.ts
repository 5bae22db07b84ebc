import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { adminClient, auditRows, createGroup, createUser, entraUser, eventually, newClient } from "./helpers";

/** The tenant setting deleteMode: `delete` (set on globex here), against the default `suspend` (acme). */
describe("delete mode per tenant", () => {
  beforeAll(async () => {
    expect((await (await adminClient("globex")).put("/settings", { deleteMode: "delete" })).status).toBe(200);
  });
  afterAll(async () => {
    await (await adminClient("globex")).put("/settings", { deleteMode: "suspend" });
  });

  it("delete: 404 afterwards, userName and externalId free again, out of its groups, a tombstone for the console", async () => {
    const c = await newClient("globex");
    const u = await createUser(c);
    const g = await createGroup(c, { members: [{ value: u.id }] });
    const del = await c.del(`/Users/${u.id}`);
    expect(del.status).toBe(204);
    expect((await c.get(`/Users/${u.id}`)).status).toBe(404);
    expect((await c.del(`/Users/${u.id}`)).status).toBe(404);
    const found = await c.get(`/Users?filter=${encodeURIComponent(`externalId eq "${u.externalId}"`)}`);
    expect((await found.json<any>()).totalResults).toBe(0);
    expect((await (await c.get(`/Groups/${g.id}`)).json<any>()).members ?? []).toEqual([]);
    // The same userName and externalId make a new user.
    const again = await c.post("/Users", entraUser({ userName: u.userName, externalId: u.externalId }));
    expect(again.status).toBe(201);
    expect((await again.json<any>()).id).not.toBe(u.id);
    // The MDM keeps a tombstone: the admin API (and the console's profile) show the user as deleted.
    const profile = await (await (await adminClient("globex")).get(`/users/${u.id}`)).json<any>();
    expect(profile).toMatchObject({ id: u.id, userName: u.userName, status: "deleted", groups: [] });
    const rows = await eventually(async () => {
      const r = await auditRows("globex", u.id);
      return r.some((x) => x.action === "delete") ? r : undefined;
    });
    expect(rows.find((r) => r.action === "delete")?.detail).toMatchObject({
      userName: u.userName,
      externalId: u.externalId,
      request: "DELETE",
      groups: 1,
    });
  });

  it("delete: a stale If-Match is 412 and deletes nothing; /Bulk's DELETE follows the same mode", async () => {
    const c = await newClient("globex");
    const u = await createUser(c);
    const stale = await c.fetch("DELETE", `/Users/${u.id}`, undefined, { "If-Match": 'W/"99"' });
    expect(stale.status).toBe(412);
    expect((await c.get(`/Users/${u.id}`)).status).toBe(200);
    const res = await c.post("/Bulk", {
      schemas: ["urn:ietf:params:scim:api:messages:2.0:BulkRequest"],
      Operations: [{ method: "DELETE", path: `/Users/${u.id}`, version: u.meta.version }],
    });
    expect((await res.json<any>()).Operations[0].status).toBe("204");
    expect((await c.get(`/Users/${u.id}`)).status).toBe(404);
  });

  it("suspend (the default): the user stays, suspended, and keeps its userName", async () => {
    const c = await newClient("acme");
    const u = await createUser(c);
    expect((await c.del(`/Users/${u.id}`)).status).toBe(204);
    const got = await c.get(`/Users/${u.id}`);
    expect(got.status).toBe(200);
    expect((await got.json<any>()).active).toBe(false);
    expect((await c.post("/Users", entraUser({ userName: u.userName }))).status).toBe(409);
  });

  it("refuses a delete mode that does not exist", async () => {
    expect((await (await adminClient("globex")).put("/settings", { deleteMode: "purge" })).status).toBe(400);
  });
});
