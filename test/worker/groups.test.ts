import { describe, expect, it } from "vitest";
import { type Client, createGroup, createUser, newClient, patchOp, scimError } from "./helpers";

const memberIds = async (c: Client, groupId: string) =>
  ((await (await c.get(`/Groups/${groupId}`)).json<any>()).members ?? []).map((m: any) => m.value).sort();

describe("Groups resource", () => {
  it("members carry display (the user's displayName) and $ref in every answer that lists them", async () => {
    const c = await newClient();
    const [a, b] = [await createUser(c), await createUser(c)];
    const member = (u: Record<string, any>) => ({
      value: u.id,
      $ref: `${c.base}/Users/${u.id}`,
      display: u.displayName,
      type: "User",
    });
    const created = await c.post("/Groups", {
      displayName: `Display ${crypto.randomUUID()}`,
      members: [{ value: a.id }],
    });
    expect(created.status).toBe(201);
    const g = await created.json<any>();
    expect(g.members).toEqual([member(a)]);
    const put = await c.put(`/Groups/${g.id}`, {
      displayName: g.displayName,
      members: [{ value: a.id }, { value: b.id }],
    });
    expect((await put.json<any>()).members).toEqual(expect.arrayContaining([member(a), member(b)]));
    const patched = await c.patch(
      `/Groups/${g.id}?attributes=members`,
      patchOp({ op: "remove", path: `members[value eq "${b.id}"]` }),
    );
    expect((await patched.json<any>()).members).toEqual([member(a)]);
    const filter = `filter=${encodeURIComponent(`displayName eq "${g.displayName}"`)}`;
    for (const res of [
      await c.get(`/Groups/${g.id}`),
      await c.get(`/Groups?${filter}`),
      await c.post("/Groups/.search", { filter: `displayName eq "${g.displayName}"` }),
    ]) {
      const body = await res.json<any>();
      expect((body.Resources?.[0] ?? body).members).toEqual([member(a)]);
    }
    const only = await (await c.get(`/Groups/${g.id}?attributes=members.display`)).json<any>();
    expect(only.members).toEqual([{ display: a.displayName }]);
  });

  it("Entra's cycle: lookup with excludedAttributes=members, create, add, remove, rename, delete", async () => {
    const c = await newClient();
    const [a, b] = [await createUser(c), await createUser(c)];
    const name = `Sales ${crypto.randomUUID()}`;
    const lookup = await c.get(
      `/Groups?excludedAttributes=members&filter=displayName+eq+%22${encodeURIComponent(name)}%22`,
    );
    expect((await lookup.json<any>()).totalResults).toBe(0);
    const g = await createGroup(c, { displayName: name });
    expect(g.members ?? []).toEqual([]);
    expect(g.meta).toMatchObject({ resourceType: "Group", location: `${c.base}/Groups/${g.id}` });

    const add = await c.patch(
      `/Groups/${g.id}`,
      patchOp({
        op: "Add",
        path: "members",
        value: [
          { value: a.id, $ref: null },
          { value: b.id, display: "B" },
        ],
      }),
    );
    expect(add.status).toBe(204);
    const got = await (await c.get(`/Groups/${g.id}`)).json<any>();
    expect(got.members).toEqual(
      expect.arrayContaining([
        { value: a.id, $ref: `${c.base}/Users/${a.id}`, display: a.displayName, type: "User" },
        { value: b.id, $ref: `${c.base}/Users/${b.id}`, display: b.displayName, type: "User" },
      ]),
    );
    expect(got.meta.version).not.toBe(g.meta.version);

    const found = await (
      await c.get(
        `/Groups?excludedAttributes=members&filter=displayName+eq+%22${encodeURIComponent(name.toUpperCase())}%22`,
      )
    ).json<any>();
    expect(found.totalResults).toBe(1);
    expect(found.Resources[0].members).toBeUndefined();

    const byMember = await (
      await c.get(`/Groups?filter=${encodeURIComponent(`members.value eq "${a.id}"`)}&excludedAttributes=members`)
    ).json<any>();
    expect(byMember.Resources.map((r: any) => r.id)).toEqual([g.id]);

    expect(
      (await c.patch(`/Groups/${g.id}`, patchOp({ op: "Remove", path: "members", value: [{ value: a.id }] }))).status,
    ).toBe(204);
    expect(await memberIds(c, g.id)).toEqual([b.id]);
    expect(
      (await c.patch(`/Groups/${g.id}`, patchOp({ op: "remove", path: `members[value eq "${b.id}"]` }))).status,
    ).toBe(204);
    expect(await memberIds(c, g.id)).toEqual([]);

    expect(
      (await c.patch(`/Groups/${g.id}`, patchOp({ op: "Replace", path: "displayName", value: `${name} renamed` })))
        .status,
    ).toBe(204);
    expect(
      (await c.patch(`/Groups/${g.id}`, patchOp({ op: "replace", value: { displayName: `${name} again` } }))).status,
    ).toBe(204);
    expect((await (await c.get(`/Groups/${g.id}`)).json<any>()).displayName).toBe(`${name} again`);

    expect((await c.del(`/Groups/${g.id}`)).status).toBe(204);
    expect((await c.get(`/Groups/${g.id}`)).status).toBe(404);
  });

  it("adding a member twice or removing a non-member changes nothing, version included", async () => {
    const c = await newClient();
    const [a, b] = [await createUser(c), await createUser(c)];
    const g = await createGroup(c, { members: [{ value: a.id }] });
    const before = await (await c.get(`/Groups/${g.id}`)).json<any>();
    expect(
      (await c.patch(`/Groups/${g.id}`, patchOp({ op: "add", path: "members", value: [{ value: a.id }] }))).status,
    ).toBe(204);
    expect(
      (await c.patch(`/Groups/${g.id}`, patchOp({ op: "remove", path: `members[value eq "${b.id}"]` }))).status,
    ).toBe(204);
    const after = await (await c.get(`/Groups/${g.id}`)).json<any>();
    expect(after).toEqual(before);
  });

  it("replace members and PUT set the membership exactly", async () => {
    const c = await newClient();
    const [a, b, d] = [await createUser(c), await createUser(c), await createUser(c)];
    const g = await createGroup(c, { members: [{ value: a.id }, { value: b.id }] });
    expect(
      (await c.patch(`/Groups/${g.id}`, patchOp({ op: "replace", path: "members", value: [{ value: d.id }] }))).status,
    ).toBe(204);
    expect(await memberIds(c, g.id)).toEqual([d.id]);
    const put = await c.put(`/Groups/${g.id}`, {
      displayName: g.displayName,
      members: [{ value: a.id }, { value: b.id }],
    });
    expect(put.status).toBe(200);
    expect(await memberIds(c, g.id)).toEqual([a.id, b.id].sort());
    const rename = await c.put(`/Groups/${g.id}`, { displayName: "Tiffany Ortiz " + g.id });
    expect((await rename.json<any>()).displayName).toBe("Tiffany Ortiz " + g.id);
    expect(await memberIds(c, g.id)).toEqual([a.id, b.id].sort());
  });

  it("a PATCH that fails validation leaves the group unchanged", async () => {
    const c = await newClient();
    const a = await createUser(c);
    const g = await createGroup(c, { members: [{ value: a.id }] });
    const before = await (await c.get(`/Groups/${g.id}`)).text();
    const b = await createUser(c);
    const res = await c.patch(
      `/Groups/${g.id}`,
      patchOp(
        { op: "replace", path: "displayName", value: "Changed" },
        { op: "add", path: "members", value: [{ value: b.id }, { value: "no-such-user" }] },
      ),
    );
    expect(res.status).toBe(400);
    expect((await scimError(res)).detail).toContain("no-such-user");
    expect(await (await c.get(`/Groups/${g.id}`)).text()).toBe(before);
  });

  it("50 concurrent PATCHes adding distinct members end with all 50 members", async () => {
    const c = await newClient();
    const users = [];
    for (let i = 0; i < 50; i++) users.push(await createUser(c));
    const g = await createGroup(c);
    const results = await Promise.all(
      users.map((u) => c.patch(`/Groups/${g.id}`, patchOp({ op: "add", path: "members", value: [{ value: u.id }] }))),
    );
    expect(results.map((r) => r.status)).toEqual(users.map(() => 204));
    expect(await memberIds(c, g.id)).toEqual(users.map((u) => u.id).sort());
  });

  it("unknown group id is 404 for every method", async () => {
    const c = await newClient();
    for (const [m, body] of [
      ["GET"],
      ["PUT", { displayName: "x" }],
      ["PATCH", patchOp({ op: "replace", path: "displayName", value: "x" })],
      ["DELETE"],
    ] as const) {
      const res = await c.fetch(m, "/Groups/nope", body);
      expect(res.status, m).toBe(404);
      await scimError(res);
    }
  });
});
