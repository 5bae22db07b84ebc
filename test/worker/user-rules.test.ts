import { describe, expect, it } from "vitest";
import { createUser, entraUser, newClient, patchOp, scimError } from "./helpers";

const ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";

describe("product rules for users", () => {
  it("P5 a user without an email address is refused", async () => {
    const c = await newClient();
    const user = entraUser();
    delete user.emails;
    const res = await c.post("/Users", user);
    expect(res.status).toBe(400);
    const detail = (await scimError(res)).detail;
    expect(detail).toMatch(/no email address/);
    expect(detail).toContain('map `mail` or `userPrincipalName` to `emails[type eq "work"].value`');
    expect(detail).not.toMatch(/\bP\d+\b/);
    const list = await (await c.get(`/Users?filter=userName eq "${user.userName}"`)).json<any>();
    expect(list.totalResults).toBe(0);
  });

  it("P5 removing every email of a user is refused and changes nothing", async () => {
    const c = await newClient();
    const u = await createUser(c);
    const res = await c.patch(`/Users/${u.id}`, patchOp({ op: "remove", path: "emails" }));
    expect(res.status).toBe(400);
    await scimError(res);
    const after = await (await c.get(`/Users/${u.id}`)).json<any>();
    expect(after.emails).toEqual(u.emails);
    expect(after.meta.version).toBe(u.meta.version);
  });

  it("P6 blank given or family name is refused on create", async () => {
    const c = await newClient();
    for (const name of [
      { givenName: "", familyName: "F" },
      { givenName: "G", familyName: "  " },
      { givenName: "G" },
      { familyName: "F", givenName: "G", formatted: "" },
    ]) {
      const res = await c.post("/Users", entraUser({ name }));
      expect(res.status, JSON.stringify(name)).toBe(400);
      const detail = (await scimError(res)).detail;
      expect(detail).toMatch(/^name\.\w+ is blank; every user needs a given name and a family name/);
      expect(detail).not.toMatch(/\bP\d+\b/);
    }
  });

  it("P6 blank given or family name is refused on update, by PATCH and by PUT", async () => {
    const c = await newClient();
    const u = await createUser(c);
    for (const op of [
      { op: "replace", path: "name.givenName", value: "" },
      { op: "Replace", path: "name.familyName", value: null },
      { op: "replace", value: { "name.givenName": " " } },
      { op: "remove", path: "name.familyName" },
    ]) {
      const res = await c.patch(`/Users/${u.id}`, patchOp(op));
      expect(res.status, JSON.stringify(op)).toBe(400);
      expect((await scimError(res)).detail).toMatch(/is blank; every user needs a given name/);
    }
    const put = await c.put(`/Users/${u.id}`, { ...u, name: { givenName: "", familyName: "X" } });
    expect(put.status).toBe(400);
    const after = await (await c.get(`/Users/${u.id}`)).json<any>();
    expect(after.name).toEqual(u.name);
  });

  it("P7 a blank value never overwrites a stored value (PATCH)", async () => {
    const c = await newClient();
    const u = await createUser(c, { title: "Engineer", [ENTERPRISE]: { department: "Sales", costCenter: "CC1" } });
    const res = await c.patch(
      `/Users/${u.id}`,
      patchOp(
        { op: "Replace", path: "title", value: "" },
        { op: "replace", path: `${ENTERPRISE}:department`, value: null },
        { op: "replace", value: { displayName: "", [`${ENTERPRISE}:costCenter`]: "  " } },
      ),
    );
    expect(res.status).toBe(204);
    const after = await (await c.get(`/Users/${u.id}`)).json<any>();
    expect(after.title).toBe("Engineer");
    expect(after.displayName).toBe(u.displayName);
    expect(after[ENTERPRISE]).toEqual({ department: "Sales", costCenter: "CC1" });
  });

  it("P7 a blank value never overwrites a stored value (PUT), and P12 an omitted one stays", async () => {
    const c = await newClient();
    const u = await createUser(c, { title: "Engineer", [ENTERPRISE]: { department: "Sales", costCenter: "CC1" } });
    const body = { ...u, title: "", displayName: null, [ENTERPRISE]: { department: "Support" } };
    delete (body as any).nickName;
    const res = await c.put(`/Users/${u.id}`, body);
    expect(res.status).toBe(200);
    const after = await res.json<any>();
    expect(after.title).toBe("Engineer");
    expect(after.displayName).toBe(u.displayName);
    expect(after[ENTERPRISE]).toEqual({ department: "Support", costCenter: "CC1" });
  });

  it("P8 a user created with active false is refused", async () => {
    const c = await newClient();
    for (const active of [false, "False", "false"]) {
      const user = entraUser({ active });
      const res = await c.post("/Users", user);
      expect(res.status, String(active)).toBe(400);
      expect((await scimError(res)).detail).toMatch(/disabled \(active=false\).*Enable the user in Entra/);
      const list = await (await c.get(`/Users?filter=userName eq "${user.userName}"`)).json<any>();
      expect(list.totalResults).toBe(0);
    }
  });

  it("P9 soft delete keeps the user: 204, still retrievable, findable with active false", async () => {
    const c = await newClient();
    const u = await createUser(c);
    const del = await c.del(`/Users/${u.id}`);
    expect(del.status).toBe(204);
    const got = await c.get(`/Users/${u.id}`);
    expect(got.status).toBe(200);
    expect((await got.json<any>()).active).toBe(false);
    const found = await (
      await c.get(`/Users?filter=${encodeURIComponent(`userName eq "${u.userName}" and active eq false`)}`)
    ).json<any>();
    expect(found.totalResults).toBe(1);
    expect(found.Resources[0].id).toBe(u.id);
    // P3: Entra may repeat the DELETE; it stays a success.
    expect((await c.del(`/Users/${u.id}`)).status).toBe(204);
  });
});
