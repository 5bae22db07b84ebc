import { describe, expect, it } from "vitest";
import { createUser, entraUser, newClient, patchOp, scimError } from "./helpers";

const ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";

describe("Users resource", () => {
  it("creates a user: 201, Location, ETag, meta, enterprise extension", async () => {
    const c = await newClient();
    const body = entraUser();
    const res = await c.post("/Users", body);
    expect(res.status).toBe(201);
    const u = await res.json<any>();
    expect(res.headers.get("Location")).toBe(`${c.base}/Users/${u.id}`);
    expect(res.headers.get("ETag")).toBe(u.meta.version);
    expect(res.headers.get("Content-Type")).toMatch(/^application\/scim\+json/);
    expect(u).toMatchObject({
      userName: body.userName,
      active: true,
      emails: body.emails,
      name: body.name,
      [ENTERPRISE]: { department: "Sales" },
      meta: { resourceType: "User", location: `${c.base}/Users/${u.id}` },
    });
    expect(u.schemas).toEqual(["urn:ietf:params:scim:schemas:core:2.0:User", ENTERPRISE]);
    expect(Date.parse(u.meta.created)).not.toBeNaN();
    const got = await (await c.get(`/Users/${u.id}`)).json<any>();
    expect(got).toEqual(u);
  });

  it('coerces Entra\'s "True" string for active', async () => {
    const c = await newClient();
    const u = await createUser(c, { active: "True" });
    expect(u.active).toBe(true);
  });

  it("userName is unique case-insensitively: 409 uniqueness", async () => {
    const c = await newClient();
    const u = await createUser(c);
    const res = await c.post("/Users", entraUser({ userName: u.userName.toUpperCase() }));
    expect(res.status).toBe(409);
    expect((await scimError(res)).scimType).toBe("uniqueness");
  });

  it("finds a user by userName case-insensitively, by externalId exactly, and by email", async () => {
    const c = await newClient();
    const u = await createUser(c);
    const q = async (f: string) =>
      (await (await c.get(`/Users?filter=${encodeURIComponent(f)}`)).json<any>()).Resources.map((r: any) => r.id);
    expect(await q(`userName eq "${u.userName.toUpperCase()}"`)).toEqual([u.id]);
    expect(await q(`externalId eq "${u.externalId}"`)).toEqual([u.id]);
    expect(await q(`externalId eq "${u.externalId.toUpperCase()}"`)).toEqual([]);
    expect(await q(`emails[type eq "work" and value eq "${u.emails[0].value}"]`)).toEqual([u.id]);
    expect(await q(`${ENTERPRISE}:department eq "sales" and userName eq "${u.userName}"`)).toEqual([u.id]);
  });

  it("accepts + for spaces in the query string, as Entra sends it", async () => {
    const c = await newClient();
    const u = await createUser(c);
    const res = await c.get(`/Users?filter=userName+eq+%22${encodeURIComponent(u.userName)}%22`);
    expect((await res.json<any>()).Resources[0].id).toBe(u.id);
  });

  it("pages with startIndex and count and sorts with sortBy", async () => {
    const c = await newClient("globex");
    const dept = `Paging-${crypto.randomUUID()}`;
    const made = [];
    for (const n of ["c", "a", "b"])
      made.push(await createUser(c, { displayName: `${n}-${dept}`, [ENTERPRISE]: { department: dept } }));
    const f = encodeURIComponent(`${ENTERPRISE}:department eq "${dept}"`);
    const p1 = await (await c.get(`/Users?filter=${f}&startIndex=1&count=2&sortBy=displayName`)).json<any>();
    expect(p1).toMatchObject({ totalResults: 3, itemsPerPage: 2, startIndex: 1 });
    expect(p1.Resources.map((r: any) => r.displayName)).toEqual([`a-${dept}`, `b-${dept}`]);
    const p2 = await (
      await c.get(`/Users?filter=${f}&startIndex=3&count=2&sortBy=displayName&sortOrder=descending`)
    ).json<any>();
    expect(p2.Resources.map((r: any) => r.displayName)).toEqual([`a-${dept}`]);
    const none = await (await c.get(`/Users?filter=${f}&count=0`)).json<any>();
    expect(none).toMatchObject({ totalResults: 3, itemsPerPage: 0, Resources: [] });
    const past = await (await c.get(`/Users?filter=${f}&startIndex=10&count=2`)).json<any>();
    expect(past).toMatchObject({ totalResults: 3, itemsPerPage: 0, startIndex: 10, Resources: [] });
    const nothing = await (
      await c.get(`/Users?filter=${encodeURIComponent(`userName eq "nobody-${dept}"`)}`)
    ).json<any>();
    expect(nothing).toMatchObject({ totalResults: 0, itemsPerPage: 0, Resources: [] });
  });

  it("projects attributes and excludedAttributes", async () => {
    const c = await newClient();
    const u = await createUser(c);
    const a = await (await c.get(`/Users/${u.id}?attributes=userName,name.givenName`)).json<any>();
    expect(a.id).toBe(u.id);
    expect(a.userName).toBe(u.userName);
    expect(a.name).toEqual({ givenName: u.name.givenName });
    expect(a.emails).toBeUndefined();
    const x = await (await c.get(`/Users/${u.id}?excludedAttributes=emails,${ENTERPRISE}`)).json<any>();
    expect(x.emails).toBeUndefined();
    expect(x[ENTERPRISE]).toBeUndefined();
    expect(x.userName).toBe(u.userName);
  });

  it("POST /Users/.search runs the same query", async () => {
    const c = await newClient();
    const u = await createUser(c);
    const res = await c.post("/Users/.search", {
      schemas: ["urn:ietf:params:scim:api:messages:2.0:SearchRequest"],
      filter: `userName eq "${u.userName}"`,
      attributes: ["userName"],
      startIndex: 1,
      count: 10,
    });
    expect(res.status).toBe(200);
    const body = await res.json<any>();
    expect(body.totalResults).toBe(1);
    expect(body.Resources[0]).toEqual({ schemas: u.schemas, id: u.id, userName: u.userName });
  });

  it("replaces a user with PUT and bumps the version", async () => {
    const c = await newClient();
    const u = await createUser(c);
    const res = await c.put(`/Users/${u.id}`, {
      ...u,
      displayName: "Renamed",
      name: { ...u.name, formatted: "New Name" },
    });
    expect(res.status).toBe(200);
    const after = await res.json<any>();
    expect(after.displayName).toBe("Renamed");
    expect(after.name.formatted).toBe("New Name");
    expect(after.meta.version).not.toBe(u.meta.version);
  });

  it("PATCH in Entra's forms: capitalised ops, pathless dotted and URN keys, work email added, manager as string", async () => {
    const c = await newClient();
    const u = await createUser(c, { emails: [{ type: "home", value: "home@x.example" }] });
    const res = await c.patch(
      `/Users/${u.id}`,
      patchOp(
        { op: "Replace", path: 'emails[type eq "work"].value', value: "work@x.example" },
        { op: "replace", value: { "name.givenName": "Ann", [`${ENTERPRISE}:department`]: "R&D", active: "False" } },
        { op: "Add", path: `${ENTERPRISE}:manager`, value: "mgr-1" },
      ),
    );
    expect(res.status).toBe(204);
    const after = await (await c.get(`/Users/${u.id}`)).json<any>();
    expect(after.emails).toEqual(
      expect.arrayContaining([
        { type: "home", value: "home@x.example" },
        expect.objectContaining({ type: "work", value: "work@x.example" }),
      ]),
    );
    expect(after.name.givenName).toBe("Ann");
    expect(after.active).toBe(false);
    expect(after[ENTERPRISE]).toMatchObject({ department: "R&D", manager: { value: "mgr-1" } });
    const byMail = await (
      await c.get(`/Users?filter=${encodeURIComponent('emails.value eq "WORK@x.example"')}`)
    ).json<any>();
    expect(byMail.Resources.map((r: any) => r.id)).toEqual([u.id]);
  });

  it("If-Match with a stale version is 412 and changes nothing", async () => {
    const c = await newClient();
    const u = await createUser(c);
    const ok = await c.patch(`/Users/${u.id}`, patchOp({ op: "replace", path: "title", value: "A" }), {
      "If-Match": u.meta.version,
    });
    expect(ok.status).toBe(204);
    const stale = await c.patch(`/Users/${u.id}`, patchOp({ op: "replace", path: "title", value: "B" }), {
      "If-Match": u.meta.version,
    });
    expect(stale.status).toBe(412);
    await scimError(stale);
    expect((await (await c.get(`/Users/${u.id}`)).json<any>()).title).toBe("A");
  });

  it("concurrent PATCHes of one user all take effect", async () => {
    const c = await newClient();
    const u = await createUser(c);
    const types = ["work", "home", "other", "mobile", "fax", "pager"];
    const results = await Promise.all(
      types.map((t) =>
        c.patch(`/Users/${u.id}`, patchOp({ op: "add", path: "phoneNumbers", value: [{ type: t, value: `+1-${t}` }] })),
      ),
    );
    expect(results.map((r) => r.status)).toEqual(types.map(() => 204));
    const after = await (await c.get(`/Users/${u.id}`)).json<any>();
    expect(after.phoneNumbers.map((p: any) => p.type).sort()).toEqual([...types].sort());
  });

  it("unknown id is 404", async () => {
    const c = await newClient();
    for (const [m, body] of [
      ["GET"],
      ["PUT", entraUser()],
      ["PATCH", patchOp({ op: "replace", path: "title", value: "x" })],
      ["DELETE"],
    ] as const) {
      const res = await c.fetch(m, "/Users/00919288221112222", body);
      expect(res.status, m).toBe(404);
      await scimError(res);
    }
  });
});
