import { describe, expect, it, vi } from "vitest";
import { eventually, patchOp } from "./helpers";
import { ROLES, clients, createGroup, db, roleEvents, rolesOf, saveMapping, userIn } from "./roles-helpers";

// Each test waits for the real Queue consumer's recompute, which a busy machine slows.
vi.setConfig({ testTimeout: 30_000 });

describe("effective roles: the computation's rules", () => {
  it("the first matching rule (lowest precedence) names the primary role; every matching rule grants its role", async () => {
    const { scim, admin } = await clients();
    const admins = await createGroup(scim);
    const desk = await createGroup(scim);
    await saveMapping(admin, {
      roles: ROLES,
      rules: [
        { precedence: 10, group: desk.id, role: "helpdesk" },
        { precedence: 5, group: admins.displayName, role: "device-admin" },
      ],
    });
    const both = await userIn(scim, [desk, admins]);
    const deskOnly = await userIn(scim, [desk]);
    expect(await rolesOf(both.id)).toEqual(["*device-admin", "helpdesk"]);
    expect(await rolesOf(deskOnly.id)).toEqual(["*helpdesk"]);
  });

  it("a user no rule matches gets the default role; one a rule matches does not", async () => {
    const { scim, admin } = await clients();
    const kiosks = await createGroup(scim);
    await saveMapping(admin, {
      roles: ROLES,
      defaultRole: "standard",
      rules: [{ precedence: 1, group: kiosks.id, role: "kiosk" }],
    });
    const plain = await userIn(scim, []);
    const kiosk = await userIn(scim, [kiosks]);
    expect(await rolesOf(plain.id)).toEqual(["*standard"]);
    expect(await rolesOf(kiosk.id)).toEqual(["*kiosk"]);
  });

  it("Entra's app-role values grant roles by rule, and a change of them moves the roles", async () => {
    const { scim, admin } = await clients();
    await saveMapping(admin, {
      roles: ROLES,
      rules: [
        { precedence: 1, appRole: "MDM.Admin", role: "device-admin" },
        { precedence: 2, appRole: "MDM.Kiosk", role: "kiosk" },
      ],
    });
    const u = await userIn(scim, [], { roles: [{ primary: "True", value: "MDM.Kiosk" }] });
    expect(await rolesOf(u.id)).toEqual(["*kiosk"]);
    const res = await scim.patch(
      `/Users/${u.id}`,
      patchOp({ op: "Replace", path: 'roles[primary eq "True"].value', value: "MDM.Admin" }),
    );
    expect(res.status).toBe(204);
    expect(await rolesOf(u.id)).toEqual(["*device-admin"]);
    expect(await roleEvents(u.id)).toEqual([
      { before: [], after: ["*kiosk"] },
      { before: ["*kiosk"], after: ["*device-admin"] },
    ]);
  });

  it("a role grants the roles it contains, never as primary", async () => {
    const { scim, admin } = await clients();
    const admins = await createGroup(scim);
    await saveMapping(admin, {
      roles: [
        { id: "device-admin", contains: ["helpdesk"] },
        { id: "helpdesk", contains: ["standard"] },
        { id: "standard" },
      ],
      rules: [{ precedence: 1, group: admins.id, role: "device-admin" }],
    });
    const u = await userIn(scim, [admins]);
    expect(await rolesOf(u.id)).toEqual(["*device-admin", "helpdesk", "standard"]);
  });

  it("a group rename keeps the roles (rules name groups by id): no event, and the reason shows the new name", async () => {
    const { scim, admin } = await clients();
    const g = await createGroup(scim);
    await saveMapping(admin, { roles: ROLES, rules: [{ precedence: 1, group: g.id, role: "kiosk" }] });
    const u = await userIn(scim, [g]);
    expect(await rolesOf(u.id)).toEqual(["*kiosk"]);
    const renamed = `Renamed ${crypto.randomUUID()}`;
    expect(
      (await scim.patch(`/Groups/${g.id}`, patchOp({ op: "replace", path: "displayName", value: renamed }))).status,
    ).toBe(204);
    expect(await rolesOf(u.id)).toEqual(["*kiosk"]);
    expect(await roleEvents(u.id)).toHaveLength(1);
    const view = (await (await admin.get(`/roles/users/${u.id}`)).json()) as any;
    expect(view.roles).toEqual([
      { value: "kiosk", display: "Kiosk user", primary: true, why: [`group ${renamed} (rule 1)`] },
    ]);
  });

  it("a group deleted in Entra takes its roles from its members (P16: they are disabled), and its rule stays", async () => {
    const { scim, admin } = await clients();
    const g = await createGroup(scim);
    await saveMapping(admin, {
      roles: ROLES,
      defaultRole: "standard",
      rules: [{ precedence: 1, group: g.id, role: "kiosk" }],
    });
    const u = await userIn(scim, [g]);
    expect(await rolesOf(u.id)).toEqual(["*kiosk"]);
    expect((await scim.del(`/Groups/${g.id}`)).status).toBe(204);
    expect(await rolesOf(u.id)).toEqual([]);
    expect(await roleEvents(u.id)).toEqual([
      { before: [], after: ["*kiosk"] },
      { before: ["*kiosk"], after: [] },
    ]);
    const view = (await (await admin.get("/roles")).json()) as any;
    expect(view.rules).toEqual([{ precedence: 1, kind: "group", match: g.id, role: "kiosk", groupName: null }]);
  });

  it("a suspended user holds no role; restored, the roles come back, one event each way", async () => {
    const { scim, admin } = await clients();
    const g = await createGroup(scim);
    await saveMapping(admin, { roles: ROLES, rules: [{ precedence: 1, group: g.id, role: "helpdesk" }] });
    const u = await userIn(scim, [g]);
    expect(await rolesOf(u.id)).toEqual(["*helpdesk"]);
    expect((await scim.del(`/Users/${u.id}`)).status).toBe(204);
    expect(await rolesOf(u.id)).toEqual([]);
    await scim.patch(`/Users/${u.id}`, patchOp({ op: "replace", path: "active", value: true }));
    expect(await rolesOf(u.id)).toEqual(["*helpdesk"]);
    expect(await roleEvents(u.id)).toEqual([
      { before: [], after: ["*helpdesk"] },
      { before: ["*helpdesk"], after: [] },
      { before: [], after: ["*helpdesk"] },
    ]);
  });

  it("a change that leaves the roles equal makes no event: re-adding a member, another mapped group of the same role", async () => {
    const { scim, admin } = await clients();
    const a = await createGroup(scim);
    const b = await createGroup(scim);
    await saveMapping(admin, {
      roles: ROLES,
      rules: [
        { precedence: 1, group: a.id, role: "kiosk" },
        { precedence: 2, group: b.id, role: "kiosk" },
      ],
    });
    const u = await userIn(scim, [a]);
    expect(await rolesOf(u.id)).toEqual(["*kiosk"]);
    await scim.patch(`/Groups/${a.id}`, patchOp({ op: "add", path: "members", value: [{ value: u.id }] }));
    await scim.patch(`/Groups/${b.id}`, patchOp({ op: "add", path: "members", value: [{ value: u.id }] }));
    expect(await rolesOf(u.id)).toEqual(["*kiosk"]);
    const why = (await (await (await clients()).admin.get(`/roles/users/${u.id}`)).json()) as any;
    expect(why.roles[0].why).toHaveLength(2);
    expect(await roleEvents(u.id)).toEqual([{ before: [], after: ["*kiosk"] }]);
  });

  it("a mapping edit recomputes the users it moves: one event each, with before and after", async () => {
    const { scim, admin } = await clients();
    const g = await createGroup(scim);
    await saveMapping(admin, { roles: ROLES, rules: [{ precedence: 1, group: g.id, role: "kiosk" }] });
    const users = [await userIn(scim, [g]), await userIn(scim, [g])];
    for (const u of users) expect(await rolesOf(u.id)).toEqual(["*kiosk"]);
    await saveMapping(admin, { roles: ROLES, rules: [{ precedence: 1, group: g.id, role: "helpdesk" }] });
    for (const u of users) {
      expect(await rolesOf(u.id)).toEqual(["*helpdesk"]);
      expect(await roleEvents(u.id)).toEqual([
        { before: [], after: ["*kiosk"] },
        { before: ["*kiosk"], after: ["*helpdesk"] },
      ]);
    }
  });
});

describe("a user deleted for good", () => {
  it("leaves no stored roles behind, and no user.roles_changed (user.hard_deleted says it)", async () => {
    const { scim, admin } = await clients();
    await saveMapping(admin, { roles: ROLES, defaultRole: "standard", rules: [] });
    const u = await userIn(scim, []);
    expect(await rolesOf(u.id)).toEqual(["*standard"]);
    expect((await admin.del(`/users/${u.id}`)).status).toBe(204);
    await eventually(async () => {
      const row = await db().prepare("SELECT 1 FROM user_roles WHERE user_id = ?1").bind(u.id).first();
      return row === null;
    });
    expect(await roleEvents(u.id)).toHaveLength(1);
  });
});

describe("the roles mapping: bad input changes nothing", () => {
  const refused = async (body: unknown, message: RegExp) => {
    const { scim, admin } = await clients();
    const g = await createGroup(scim);
    await saveMapping(admin, { roles: ROLES, rules: [{ precedence: 1, group: g.id, role: "kiosk" }] });
    const before = await (await admin.get("/roles")).json();
    const res = await admin.put("/roles", body);
    expect(res.status).toBe(400);
    const err = (await res.json()) as { error: { status: number; message: string } };
    expect(err.error.message).toMatch(message);
    expect(await (await admin.get("/roles")).json()).toEqual(before);
  };

  it("an unknown role id", () =>
    refused({ roles: [{ id: "root" }], rules: [] }, /"root" is not in the product's role catalog/));

  it("a rule giving a role the tenant does not use", () =>
    refused({ roles: [{ id: "kiosk" }], rules: [{ precedence: 1, appRole: "x", role: "helpdesk" }] }, /does not use/));

  it("a cycle of contained roles", () =>
    refused(
      {
        roles: [
          { id: "kiosk", contains: ["standard"] },
          { id: "standard", contains: ["kiosk"] },
        ],
        rules: [],
      },
      /cycle: kiosk -> standard -> kiosk/,
    ));

  it("two rules with one precedence", () =>
    refused(
      {
        roles: ROLES,
        rules: [
          { precedence: 3, appRole: "a", role: "kiosk" },
          { precedence: 3, appRole: "b", role: "standard" },
        ],
      },
      /Two rules have precedence 3/,
    ));

  it("a group that does not exist", () =>
    refused({ roles: ROLES, rules: [{ precedence: 1, group: "No such group", role: "kiosk" }] }, /does not exist/));

  it("10,000 rules", () =>
    refused(
      {
        roles: ROLES,
        rules: Array.from({ length: 10_000 }, (_, i) => ({ precedence: i + 1, appRole: `r${i}`, role: "kiosk" })),
      },
      /at most 1000 rules; this one has 10000/,
    ));

  it("a rule with both a group and an app role", () =>
    refused(
      { roles: ROLES, rules: [{ precedence: 1, group: "x", appRole: "y", role: "kiosk" }] },
      /either group or appRole/,
    ));
});

describe("the preview", () => {
  it("counts, before saving, the users who would gain and lose each role, and saves nothing", async () => {
    const { scim, admin } = await clients();
    const g = await createGroup(scim);
    await saveMapping(admin, { roles: ROLES, rules: [{ precedence: 1, group: g.id, role: "kiosk" }] });
    const users = [await userIn(scim, [g]), await userIn(scim, [g]), await userIn(scim, [g])];
    for (const u of users) await rolesOf(u.id);
    const res = await admin.post("/roles/preview", {
      roles: ROLES,
      rules: [{ precedence: 1, group: g.id, role: "helpdesk" }],
    });
    expect(res.status).toBe(200);
    const p = (await res.json()) as any;
    const row = (id: string) => p.roles.find((r: any) => r.id === id);
    expect(row("helpdesk")).toMatchObject({ gain: 3, lose: 0 });
    expect(row("kiosk")).toMatchObject({ gain: 0, lose: 3, holders: 0 });
    for (const u of users) expect(await rolesOf(u.id)).toEqual(["*kiosk"]);
    const n = await db()
      .prepare("SELECT count(*) AS n FROM role_rules WHERE role_id = 'helpdesk'")
      .first<{ n: number }>();
    expect(n?.n).toBe(0);
  });
});
