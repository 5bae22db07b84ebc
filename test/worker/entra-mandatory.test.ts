import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { adminClient, createGroup, createUser, newClient, patchOp, scimError } from "./helpers";

/**
 * The mandatory cases of Microsoft's SCIM validator for the Entra app gallery, in Entra's own
 * request forms (docs/conformance.md, "Entra app gallery").
 */
const ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
const MANAGER = `${ENTERPRISE}:manager`;

describe("Entra's mandatory validation cases", () => {
  it("disable, then restore after unassign and reassign", async () => {
    const c = await newClient();
    const u = await createUser(c);
    expect((await c.patch(`/Users/${u.id}`, patchOp({ op: "Replace", path: "active", value: "False" }))).status).toBe(
      204,
    );
    expect((await (await c.get(`/Users/${u.id}`)).json<any>()).active).toBe(false);
    expect((await c.patch(`/Users/${u.id}`, patchOp({ op: "Replace", path: "active", value: "True" }))).status).toBe(
      204,
    );
    expect((await (await c.get(`/Users/${u.id}`)).json<any>()).active).toBe(true);
  });

  it("manager: set ({value}), change (a bare string), remove (a remove operation)", async () => {
    const c = await newClient();
    const [boss, other, u] = [await createUser(c), await createUser(c), await createUser(c)];
    const manager = async () => (await (await c.get(`/Users/${u.id}`)).json<any>())[ENTERPRISE]?.manager;
    await c.patch(`/Users/${u.id}`, patchOp({ op: "Add", path: MANAGER, value: { value: boss.id } }));
    expect((await manager()).value).toBe(boss.id);
    await c.patch(`/Users/${u.id}`, patchOp({ op: "Replace", path: MANAGER, value: other.id }));
    expect((await manager()).value).toBe(other.id);
    expect((await c.patch(`/Users/${u.id}`, patchOp({ op: "Remove", path: MANAGER }))).status).toBe(204);
    expect(await manager()).toBeUndefined();
  });

  it('manager set to {"value": ""} or "" keeps the stored manager (P7: a blank value changes nothing)', async () => {
    const c = await newClient();
    const [boss, u] = [await createUser(c), await createUser(c)];
    await c.patch(`/Users/${u.id}`, patchOp({ op: "Add", path: MANAGER, value: { value: boss.id } }));
    for (const value of [{ value: "" }, ""]) {
      expect((await c.patch(`/Users/${u.id}`, patchOp({ op: "Replace", path: MANAGER, value }))).status).toBe(204);
      expect((await (await c.get(`/Users/${u.id}`)).json<any>())[ENTERPRISE].manager.value).toBe(boss.id);
    }
  });

  it('"" then null for an attribute keep the stored value (P7), where Entra expects it to read back empty', async () => {
    const c = await newClient();
    const u = await createUser(c, { title: "Engineer" });
    for (const value of ["", null]) {
      expect((await c.patch(`/Users/${u.id}`, patchOp({ op: "Replace", path: "title", value }))).status).toBe(204);
      expect((await (await c.get(`/Users/${u.id}`)).json<any>()).title).toBe("Engineer");
    }
  });

  it("startIndex paging answers the startIndex asked for, count items, and the total", async () => {
    const c = await newClient();
    const tag = crypto.randomUUID().slice(0, 8);
    for (let i = 0; i < 5; i++)
      await createUser(c, {
        userName: `page-${tag}-${i}@contoso.com`,
        emails: [{ value: `page-${tag}-${i}@contoso.com`, type: "work", primary: true }],
      });
    const filter = encodeURIComponent(`userName sw "page-${tag}"`);
    const seen: string[] = [];
    for (const startIndex of [1, 3, 5]) {
      const page = await (await c.get(`/Users?filter=${filter}&startIndex=${startIndex}&count=2`)).json<any>();
      expect(page).toMatchObject({ totalResults: 5, startIndex, itemsPerPage: startIndex === 5 ? 1 : 2 });
      seen.push(...page.Resources.map((r: any) => r.userName));
    }
    expect(new Set(seen).size).toBe(5);
  });

  it('filters groups by members[value eq "…"]', async () => {
    const c = await newClient();
    const u = await createUser(c);
    const g = await createGroup(c, { members: [{ value: u.id }] });
    await createGroup(c);
    const res = await c.get(
      `/Groups?filter=${encodeURIComponent(`members[value eq "${u.id}"]`)}&excludedAttributes=members`,
    );
    expect(res.status).toBe(200);
    expect((await res.json<any>()).Resources.map((r: any) => r.id)).toEqual([g.id]);
  });

  it("applies 60 member operations in one PATCH (adds, then removes of some)", async () => {
    const c = await newClient();
    const users = await Promise.all(Array.from({ length: 60 }, () => createUser(c)));
    const g = await createGroup(c);
    const adds = users.map((u) => ({ op: "Add", path: "members", value: [{ value: u.id }] }));
    expect((await c.patch(`/Groups/${g.id}`, patchOp(...adds))).status).toBe(204);
    const removes = users.slice(0, 55).map((u) => ({ op: "Remove", path: `members[value eq "${u.id}"]` }));
    expect((await c.patch(`/Groups/${g.id}`, patchOp(...removes))).status).toBe(204);
    const members = (await (await c.get(`/Groups/${g.id}`)).json<any>()).members.map((m: any) => m.value).sort();
    expect(members).toEqual(
      users
        .slice(55)
        .map((u) => u.id)
        .sort(),
    );
  });
});

/** The tenant setting blankValues: `clear` (globex here) reads blanks back empty, as the validator expects. */
describe("Entra's blank-value cases with blankValues=clear", () => {
  beforeAll(async () => {
    expect((await (await adminClient("globex")).put("/settings", { blankValues: "clear" })).status).toBe(200);
  });
  afterAll(async () => {
    await (await adminClient("globex")).put("/settings", { blankValues: "keep" });
  });

  it('manager removed by {"value": ""} and by ""', async () => {
    const c = await newClient("globex");
    const [boss, u] = [await createUser(c), await createUser(c)];
    for (const value of [{ value: "" }, ""]) {
      await c.patch(`/Users/${u.id}`, patchOp({ op: "Add", path: MANAGER, value: { value: boss.id } }));
      expect((await (await c.get(`/Users/${u.id}`)).json<any>())[ENTERPRISE].manager.value).toBe(boss.id);
      expect((await c.patch(`/Users/${u.id}`, patchOp({ op: "Replace", path: MANAGER, value }))).status).toBe(204);
      expect((await (await c.get(`/Users/${u.id}`)).json<any>())[ENTERPRISE]?.manager).toBeUndefined();
    }
  });

  it('"" then null read back empty, in path and pathless forms; a blank name part is still refused (P6)', async () => {
    const c = await newClient("globex");
    const u = await createUser(c, { title: "Engineer", nickName: "Eng" });
    expect((await c.patch(`/Users/${u.id}`, patchOp({ op: "Replace", path: "title", value: "" }))).status).toBe(204);
    expect((await (await c.get(`/Users/${u.id}`)).json<any>()).title).toBeUndefined();
    await c.patch(`/Users/${u.id}`, patchOp({ op: "Replace", path: "title", value: "Lead" }));
    expect((await c.patch(`/Users/${u.id}`, patchOp({ op: "Replace", path: "title", value: null }))).status).toBe(204);
    expect((await (await c.get(`/Users/${u.id}`)).json<any>()).title).toBeUndefined();
    expect((await c.patch(`/Users/${u.id}`, patchOp({ op: "Replace", value: { nickName: "" } }))).status).toBe(204);
    expect((await (await c.get(`/Users/${u.id}`)).json<any>()).nickName).toBeUndefined();
    const p6 = await c.patch(`/Users/${u.id}`, patchOp({ op: "Replace", path: "name.givenName", value: "" }));
    expect(p6.status).toBe(400);
    expect((await scimError(p6)).scimType).toBe("invalidValue");
  });
});
