import { SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import {
  ORIGIN,
  adminClient,
  auditRows,
  createGroup,
  createUser,
  eventually,
  issueToken,
  newClient,
  scimClient,
} from "./helpers";

describe("admin API", () => {
  it("refuses the SCIM token and requests without a token, with a JSON error", async () => {
    const { token } = await issueToken("acme", "scim");
    const res = await SELF.fetch(`${ORIGIN}/t/acme/admin/api/settings`, {
      headers: { Authorization: `Bearer ${token}` },
    });
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ error: { status: 401 } });
    expect((await SELF.fetch(`${ORIGIN}/t/acme/admin/api/users`)).status).toBe(401);
  });

  it("P2 generates a new SCIM token, shown once; the old one stops at once", async () => {
    const admin = await adminClient("globex");
    const { token: old } = await issueToken("globex");
    expect((await scimClient("globex", old).get("/Users")).status).toBe(200);
    const res = await admin.post("/token");
    expect(res.status).toBe(201);
    const { token, tenantUrl } = await res.json<any>();
    expect(token).toMatch(/^scim_/);
    expect(tenantUrl).toBe(`${ORIGIN}/t/globex/scim/v2`);
    expect((await scimClient("globex", token).get("/Users")).status).toBe(200);
    expect((await scimClient("globex", old).get("/Users")).status).toBe(401);
    const stored = await (await admin.get("/settings")).text();
    expect(stored).not.toContain(token);
  });

  it("validates settings with a clear message and changes nothing", async () => {
    const admin = await adminClient();
    const before = await (await admin.get("/settings")).json();
    for (const body of [
      { autoInvite: "yes" },
      { managedAppleId: { mode: "sometimes" } },
      { unknownSetting: 1 },
      "{not json",
    ]) {
      const res = await admin.put("/settings", body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect((await res.json<any>()).error.message.length).toBeGreaterThan(5);
    }
    expect(await (await admin.get("/settings")).json()).toEqual(before);
  });

  it("P19 a template with an unknown variable is refused when saved", async () => {
    const admin = await adminClient();
    const res = await admin.put("/settings", { inviteSubject: "Hi ${nickname}" });
    expect(res.status).toBe(400);
    expect((await res.json<any>()).error.message).toContain("${nickname}");
  });

  it("P4 lists users with their source and status, searchable; one user with everything", async () => {
    const c = await newClient("globex");
    const admin = await adminClient("globex");
    const u = await createUser(c, { userName: `p4-${crypto.randomUUID()}@contoso.com` });
    const g = await createGroup(c, { members: [{ value: u.id }] });
    const list = await (
      await admin.get(`/users?userName=${encodeURIComponent(u.userName.slice(0, 20))}&source=scim&status=active`)
    ).json<any>();
    expect(list.users).toEqual([
      expect.objectContaining({ id: u.id, source: "scim", status: "active", email: u.emails[0].value }),
    ]);
    const byEmail = await (
      await admin.get(`/users?email=${encodeURIComponent(u.emails[0].value.toUpperCase())}`)
    ).json<any>();
    expect(byEmail.users.map((x: any) => x.id)).toEqual([u.id]);
    const one = await (await admin.get(`/users/${u.id}`)).json<any>();
    expect(one).toMatchObject({
      id: u.id,
      source: "scim",
      enterprise: { department: "Sales" },
      groups: [{ id: g.id, displayName: g.displayName }],
    });
  });

  it("P9 an admin's hard delete removes the user for good, from its groups too", async () => {
    const c = await newClient();
    const admin = await adminClient();
    const u = await createUser(c);
    const g = await createGroup(c, { members: [{ value: u.id }] });
    expect((await admin.del(`/users/${u.id}`)).status).toBe(204);
    expect((await c.get(`/Users/${u.id}`)).status).toBe(404);
    expect((await (await c.get(`/Groups/${g.id}`)).json<any>()).members ?? []).toEqual([]);
    expect((await admin.del(`/users/${u.id}`)).status).toBe(404);
    const rows = await eventually(async () =>
      (await auditRows("acme", u.id)).some((r) => r.action === "hard-delete") ? true : null,
    );
    expect(rows).toBe(true);
  });

  it("lists groups with member counts and one group with its members", async () => {
    const c = await newClient();
    const admin = await adminClient();
    const u = await createUser(c);
    const g = await createGroup(c, { members: [{ value: u.id }] });
    const list = await (await admin.get("/groups")).json<any>();
    expect(list.groups.find((x: any) => x.id === g.id)).toMatchObject({ members: 1, source: "scim" });
    const one = await (await admin.get(`/groups/${g.id}`)).json<any>();
    expect(one.members).toEqual([expect.objectContaining({ id: u.id, userName: u.userName, status: "active" })]);
  });

  it("P23 the audit log is newest first, filtered by resource, action and time, paged", async () => {
    const c = await newClient();
    const admin = await adminClient();
    const u = await createUser(c);
    await c.patch(`/Users/${u.id}`, {
      schemas: ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
      Operations: [{ op: "replace", path: "title", value: "T" }],
    });
    await c.del(`/Users/${u.id}`);
    const entries = await eventually(async () => {
      const r = await (await admin.get(`/audit?resourceType=User&resourceId=${u.id}`)).json<any>();
      return r.entries.length === 3 ? r.entries : null;
    });
    expect(entries.map((x: any) => x.action)).toEqual(["disable", "update", "create"]);
    expect(entries[1].detail.changed).toEqual(["title"]);
    const page1 = await (await admin.get(`/audit?resourceId=${u.id}&limit=2`)).json<any>();
    const page2 = await (
      await admin.get(`/audit?resourceId=${u.id}&limit=2&before=${encodeURIComponent(page1.next)}`)
    ).json<any>();
    expect([...page1.entries, ...page2.entries].map((x: any) => x.action)).toEqual(["disable", "update", "create"]);
    const disables = await (await admin.get(`/audit?action=disable&resourceId=${u.id}`)).json<any>();
    expect(disables.entries).toHaveLength(1);
    const future = await (
      await admin.get(
        `/audit?resourceId=${u.id}&from=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}`,
      )
    ).json<any>();
    expect(future.entries).toEqual([]);
    expect((await admin.get("/audit?from=yesterday")).status).toBe(400);
  });
});
