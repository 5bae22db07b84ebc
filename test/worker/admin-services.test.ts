import { describe, expect, it } from "vitest";
import { adminClient, auditRows, createGroup, createUser, eventually, newClient } from "./helpers";

describe("admin services shared by the JSON API and the console", () => {
  it("P9 hard delete takes the user out of each group through the group's Durable Object", async () => {
    const c = await newClient("globex");
    const admin = await adminClient("globex");
    const u = await createUser(c);
    const keep = await createUser(c);
    const groups = [
      await createGroup(c, { members: [{ value: u.id }, { value: keep.id }] }),
      await createGroup(c, { members: [{ value: u.id }] }),
    ];
    const versions = await Promise.all(groups.map(async (g) => (await c.get(`/Groups/${g.id}`)).headers.get("ETag")));
    expect((await admin.del(`/users/${u.id}`)).status).toBe(204);
    for (const [i, g] of groups.entries()) {
      const res = await c.get(`/Groups/${g.id}`);
      expect(res.headers.get("ETag"), "the group's version moved: its object made the change").not.toBe(versions[i]);
      expect(((await res.json<any>()).members ?? []).map((m: any) => m.value)).toEqual(i === 0 ? [keep.id] : []);
      const rows = await eventually(async () => {
        const r = (await auditRows("globex", g.id)).filter(
          (x) => x.action === "membership" && x.detail.reason === "user deleted",
        );
        return r.length ? r : null;
      });
      expect(rows[0].detail).toMatchObject({ removed: 1, removedIds: [u.id] });
    }
  });

  it("P4 one search box finds users by userName, email or display name; sorted either way", async () => {
    const c = await newClient("globex");
    const admin = await adminClient("globex");
    const tag = crypto.randomUUID().slice(0, 8);
    const a = await createUser(c, {
      userName: `a-${tag}@contoso.com`,
      displayName: `Zed ${tag}`,
      emails: [{ value: `a-${tag}@mail.contoso.com`, primary: true }],
    });
    const b = await createUser(c, {
      userName: `b-${tag}@contoso.com`,
      displayName: `Amy ${tag}`,
      emails: [{ value: `b-${tag}@mail.contoso.com`, primary: true }],
    });
    const ids = async (q: string) =>
      ((await (await admin.get(`/users?${q}`)).json<any>()).users as any[]).map((x) => x.id);
    expect(await ids(`q=${tag}`)).toEqual([a.id, b.id]);
    expect(await ids(`q=${tag}&sort=userName&order=desc`)).toEqual([b.id, a.id]);
    expect(await ids(`q=${tag}&sort=displayName`)).toEqual([b.id, a.id]);
    expect(await ids(`q=${encodeURIComponent(`b-${tag}@mail`)}`)).toEqual([b.id]);
    expect(await ids(`q=${encodeURIComponent(`zed ${tag}`)}`)).toEqual([a.id]);
    expect((await admin.get("/users?sort=password")).status).toBe(400);
  });

  it("P13 a group's members come a page at a time with the total", async () => {
    const c = await newClient("globex");
    const admin = await adminClient("globex");
    const users = [];
    for (let i = 0; i < 5; i++) users.push(await createUser(c));
    const g = await createGroup(c, { members: users.map((u) => ({ value: u.id })) });
    const page1 = await (await admin.get(`/groups/${g.id}?limit=2`)).json<any>();
    const page3 = await (await admin.get(`/groups/${g.id}?limit=2&offset=4`)).json<any>();
    expect(page1).toMatchObject({ memberCount: 5, limit: 2, offset: 0 });
    expect(page1.members).toHaveLength(2);
    expect(page3.members).toHaveLength(1);
    const names = users.map((u) => u.userName).sort();
    expect([...page1.members, ...page3.members].map((m: any) => m.userName)).toEqual([names[0], names[1], names[4]]);
    expect((await admin.get(`/groups/${g.id}?limit=0`)).status).toBe(400);
  });
});
