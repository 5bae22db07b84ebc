import { describe, expect, it } from "vitest";
import { createGroup, createUser, newClient, patchOp, scimError, tenantDb } from "./helpers";

const members = async (c: Awaited<ReturnType<typeof newClient>>, id: string) =>
  ((await (await c.get(`/Groups/${id}`)).json<any>()).members ?? []).map((m: any) => m.value).sort();

describe("product rules for groups", () => {
  it("P13 provisioned groups are listable with their members", async () => {
    const c = await newClient();
    const a = await createUser(c);
    const g = await createGroup(c, { members: [{ value: a.id }] });
    const list = await (
      await c.get(`/Groups?filter=${encodeURIComponent(`displayName eq "${g.displayName}"`)}`)
    ).json<any>();
    expect(list.Resources[0].members.map((m: any) => m.value)).toEqual([a.id]);
  });

  it("P14 only users can be members: a group id or an unknown id is refused, naming it", async () => {
    const c = await newClient();
    const a = await createUser(c);
    const other = await createGroup(c);
    const g = await createGroup(c);
    const res = await c.patch(
      `/Groups/${g.id}`,
      patchOp({ op: "add", path: "members", value: [{ value: a.id }, { value: other.id }, { value: "ghost" }] }),
    );
    expect(res.status).toBe(400);
    const err = await scimError(res);
    expect(err.scimType).toBe("invalidValue");
    expect(err.detail).toContain(other.id);
    expect(err.detail).toContain("ghost");
    expect(err.detail).toMatch(/Only users of this tenant can be group members/);
    expect(err.detail).not.toMatch(/\bP\d+\b/);
    expect(await members(c, g.id)).toEqual([]);
    const create = await c.post("/Groups", { displayName: `G ${crypto.randomUUID()}`, members: [{ value: other.id }] });
    expect(create.status).toBe(400);
  });

  it("P14 a user of another tenant cannot be a member", async () => {
    const acme = await newClient("acme");
    const globex = await newClient("globex");
    const stranger = await createUser(globex);
    const g = await createGroup(acme);
    const res = await acme.patch(
      `/Groups/${g.id}`,
      patchOp({ op: "add", path: "members", value: [{ value: stranger.id }] }),
    );
    expect(res.status).toBe(400);
    expect(await members(acme, g.id)).toEqual([]);
  });

  it("P5 a user without an email cannot be added as a member", async () => {
    const c = await newClient();
    const a = await createUser(c);
    // Only an imported (pre-SCIM) user can lack an email; simulate one in storage.
    await tenantDb("acme")
      .prepare("UPDATE users SET doc = json_remove(doc, '$.emails') WHERE id = ?1")
      .bind(a.id)
      .run();
    const g = await createGroup(c);
    const res = await c.patch(`/Groups/${g.id}`, patchOp({ op: "add", path: "members", value: [{ value: a.id }] }));
    expect(res.status).toBe(400);
    const err = await scimError(res);
    expect(err.detail).toMatch(/Group members need an email address/);
    expect(err.detail).toContain(a.id);
  });

  it("P15 displayName is unique case-insensitively, also against All Users", async () => {
    const c = await newClient();
    const g = await createGroup(c);
    for (const displayName of [g.displayName.toUpperCase(), "all users", "All Users"]) {
      const res = await c.post("/Groups", { displayName });
      expect(res.status, displayName).toBe(409);
      expect((await scimError(res)).scimType).toBe("uniqueness");
    }
    const other = await createGroup(c);
    const rename = await c.patch(
      `/Groups/${other.id}`,
      patchOp({ op: "replace", path: "displayName", value: g.displayName.toLowerCase() }),
    );
    expect(rename.status).toBe(409);
  });

  it("P16 All Users cannot be modified or deleted by SCIM", async () => {
    const c = await newClient();
    const a = await createUser(c);
    const found = await (await c.get(`/Groups?filter=displayName+eq+%22All+Users%22`)).json<any>();
    const id = found.Resources[0].id;
    expect(
      (await c.patch(`/Groups/${id}`, patchOp({ op: "add", path: "members", value: [{ value: a.id }] }))).status,
    ).toBe(403);
    expect((await c.put(`/Groups/${id}`, { displayName: "Everyone" })).status).toBe(403);
    expect((await c.del(`/Groups/${id}`)).status).toBe(403);
    expect((await c.get(`/Groups/${id}`)).status).toBe(200);
  });

  it("P16 deleting a group removes it, disables its former members and puts them in All Users", async () => {
    const c = await newClient();
    const [a, b] = [await createUser(c), await createUser(c)];
    const g = await createGroup(c, { members: [{ value: a.id }, { value: b.id }] });
    expect((await c.del(`/Groups/${g.id}`)).status).toBe(204);
    expect((await c.get(`/Groups/${g.id}`)).status).toBe(404);
    for (const u of [a, b]) expect((await (await c.get(`/Users/${u.id}`)).json<any>()).active).toBe(false);
    const all = await members(c, "all-users");
    expect(all).toEqual(expect.arrayContaining([a.id, b.id]));
    const rows = await tenantDb("acme")
      .prepare("SELECT count(*) AS n FROM group_members WHERE group_id = ?1")
      .bind(g.id)
      .first<{ n: number }>();
    expect(rows?.n).toBe(0);
  });

  it("P10 a user soft-deleted by Entra stays in its groups", async () => {
    const c = await newClient();
    const a = await createUser(c);
    const g = await createGroup(c, { members: [{ value: a.id }] });
    expect((await c.del(`/Users/${a.id}`)).status).toBe(204);
    expect(await members(c, g.id)).toEqual([a.id]);
  });

  it("concurrent add-member and DELETE-group leave no rows of the deleted group and nobody missing from All Users", async () => {
    const c = await newClient();
    const users = [];
    for (let i = 0; i < 10; i++) users.push(await createUser(c));
    const g = await createGroup(c, { members: users.slice(0, 5).map((u) => ({ value: u.id })) });
    const adds = users
      .slice(5)
      .map((u) => c.patch(`/Groups/${g.id}`, patchOp({ op: "add", path: "members", value: [{ value: u.id }] })));
    const del = c.del(`/Groups/${g.id}`);
    const statuses = await Promise.all([...adds, del].map(async (p) => (await p).status));
    expect(statuses.every((s) => s === 204 || s === 404)).toBe(true);
    const db = tenantDb("acme");
    const left = await db
      .prepare("SELECT count(*) AS n FROM group_members WHERE group_id = ?1")
      .bind(g.id)
      .first<{ n: number }>();
    expect(left?.n).toBe(0);
    const all = await members(c, "all-users");
    // Everyone who was a member at the moment of the delete is now in All Users and disabled.
    for (const u of users.slice(0, 5)) expect(all).toContain(u.id);
    const addedBeforeDelete = users.slice(5).filter((_, i) => statuses[i] === 204);
    for (const u of addedBeforeDelete) expect(all).toContain(u.id);
  });
});
