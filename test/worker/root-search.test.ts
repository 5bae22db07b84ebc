/** RFC 7644 §3.4.3: `POST /.search` at the root, over Users and Groups. */
import { describe, expect, it } from "vitest";
import { createGroup, createUser, newClient, scimError } from "./helpers";

const SEARCH = "urn:ietf:params:scim:api:messages:2.0:SearchRequest";

describe("root .search", () => {
  it("finds users and groups with one filter, each with its schemas and meta.resourceType", async () => {
    const c = await newClient("globex");
    const tag = crypto.randomUUID().slice(0, 8);
    const u = await createUser(c, { displayName: `Root ${tag} user` });
    const g = await createGroup(c, { displayName: `Root ${tag} group`, members: [{ value: u.id }] });
    const res = await c.post("/.search", { schemas: [SEARCH], filter: `displayName sw "Root ${tag}"` });
    expect(res.status).toBe(200);
    const body = await res.json<any>();
    expect(body.totalResults).toBe(2);
    expect(body.Resources.map((r: any) => [r.id, r.schemas[0], r.meta.resourceType])).toEqual([
      [u.id, "urn:ietf:params:scim:schemas:core:2.0:User", "User"],
      [g.id, "urn:ietf:params:scim:schemas:core:2.0:Group", "Group"],
    ]);
    expect(body.Resources[1].members).toEqual([
      { value: u.id, $ref: `${c.base}/Users/${u.id}`, display: u.displayName, type: "User" },
    ]);
  });

  it("a filter on an attribute only Users have searches Users only", async () => {
    const c = await newClient("globex");
    const u = await createUser(c);
    const body = await (await c.post("/.search", { filter: `userName eq "${u.userName}"` })).json<any>();
    expect(body.totalResults).toBe(1);
    expect(body.Resources[0]).toMatchObject({ id: u.id, meta: { resourceType: "User" } });
    const none = await c.post("/.search", { filter: 'nosuch eq "x"' });
    expect(none.status).toBe(400);
    expect((await scimError(none)).scimType).toBe("invalidFilter");
  });

  it("sorts across types, pages by startIndex and count, and projects attributes", async () => {
    const c = await newClient("globex");
    const tag = crypto.randomUUID().slice(0, 8);
    await createUser(c, { displayName: `Sort ${tag} b` });
    await createGroup(c, { displayName: `Sort ${tag} A` });
    await createUser(c, { displayName: `Sort ${tag} c` });
    await createGroup(c, { displayName: `Sort ${tag} d` });
    const q = { filter: `displayName sw "Sort ${tag}"`, sortBy: "displayName", attributes: "displayName" };
    const all = await (await c.post("/.search", q)).json<any>();
    expect(all.Resources.map((r: any) => r.displayName)).toEqual(["A", "b", "c", "d"].map((x) => `Sort ${tag} ${x}`));
    expect(all.Resources.map((r: any) => r.meta.resourceType)).toEqual(["Group", "User", "User", "Group"]);
    expect(Object.keys(all.Resources[0]).sort()).toEqual(["displayName", "id", "meta", "schemas"]);
    const page = await (
      await c.post("/.search", { ...q, startIndex: 2, count: 2, sortOrder: "descending" })
    ).json<any>();
    expect(page).toMatchObject({ totalResults: 4, startIndex: 2, itemsPerPage: 2 });
    expect(page.Resources.map((r: any) => r.displayName)).toEqual([`Sort ${tag} c`, `Sort ${tag} b`]);
    // Unsorted: users first, then groups, the page cut across the two.
    const unsorted = await (
      await c.post("/.search", { filter: q.filter, startIndex: 2, count: 2, attributes: "displayName" })
    ).json<any>();
    expect(unsorted.Resources.map((r: any) => r.displayName)).toEqual([`Sort ${tag} c`, `Sort ${tag} A`]);
    const onlyCount = await (await c.post("/.search", { filter: q.filter, count: 0 })).json<any>();
    expect(onlyCount).toMatchObject({ totalResults: 4, Resources: [] });
  });

  it("refuses what it cannot answer with 400: a sort key one type lacks, a cursor, another schema", async () => {
    const c = await newClient("globex");
    const sort = await c.post("/.search", { sortBy: "userName" });
    expect(sort.status).toBe(400);
    expect((await scimError(sort)).detail).toMatch(/not an attribute of Group/);
    expect((await c.post("/.search", { cursor: "" })).status).toBe(400);
    expect((await c.post("/.search", { schemas: ["urn:evil"] })).status).toBe(400);
    expect((await c.get("/.search")).status).toBe(405);
  });
});
