/**
 * Entra's two forms of `roles` (docs/roles.md), replayed as Entra sends them and read back, and
 * the tenant's roles at /Roles (draft-ietf-scim-roles-entitlements).
 */
import { describe, expect, it, vi } from "vitest";
import { entraUser, patchOp } from "./helpers";
import { ROLES, clients, saveMapping } from "./roles-helpers";

/** `AssertiveAppRoleAssignmentsComplex`: every assignment whole, `primary` as a JSON boolean. */
const complex = (...values: string[]) =>
  values.map((v, i) => ({ primary: i === 0, type: "WindowsAzureActiveDirectoryRole", display: `${v} role`, value: v }));

// Each test waits for the real Queue consumer's recompute, which a busy machine slows.
vi.setConfig({ testTimeout: 30_000 });

describe("Entra's roles as sent", () => {
  it('`roles[primary eq "True"].value`: create, PATCH replace and read back', async () => {
    const { scim } = await clients();
    // The create carries the one assignment with primary as the string "True", as Entra sends it.
    const created = await scim.post("/Users", entraUser({ roles: [{ primary: "True", value: "MDM.Kiosk" }] }));
    expect(created.status).toBe(201);
    const u = (await created.json()) as any;
    expect(u.roles).toEqual([{ primary: true, value: "MDM.Kiosk" }]);
    const patched = await scim.patch(
      `/Users/${u.id}`,
      patchOp({ op: "Replace", path: 'roles[primary eq "True"].value', value: "MDM.Admin" }),
    );
    expect(patched.status).toBe(204);
    expect(((await (await scim.get(`/Users/${u.id}`)).json()) as any).roles).toEqual([
      { primary: true, value: "MDM.Admin" },
    ]);
    // A user with no role yet: Entra's Add with the same path makes the primary element.
    const bare = (await (await scim.post("/Users", entraUser())).json()) as any;
    await scim.patch(
      `/Users/${bare.id}`,
      patchOp({ op: "Add", path: 'roles[primary eq "True"].value', value: "MDM.Kiosk" }),
    );
    expect(((await (await scim.get(`/Users/${bare.id}`)).json()) as any).roles).toEqual([
      { primary: true, value: "MDM.Kiosk" },
    ]);
  });

  it("`AssertiveAppRoleAssignmentsComplex`: the whole array kept (value, display, type, primary), replaced whole by PATCH", async () => {
    const { scim } = await clients();
    const u = (await (await scim.post("/Users", entraUser({ roles: complex("MDM.Admin", "MDM.Help") }))).json()) as any;
    expect(u.roles).toEqual(complex("MDM.Admin", "MDM.Help"));
    const res = await scim.patch(
      `/Users/${u.id}`,
      patchOp({ op: "replace", path: "roles", value: complex("MDM.Kiosk", "MDM.Help") }),
    );
    expect(res.status).toBe(204);
    expect(((await (await scim.get(`/Users/${u.id}`)).json()) as any).roles).toEqual(complex("MDM.Kiosk", "MDM.Help"));
    // Entra adds and removes single assignments too.
    await scim.patch(
      `/Users/${u.id}`,
      patchOp({ op: "add", path: "roles", value: complex("MDM.Extra").map((r) => ({ ...r, primary: false })) }),
    );
    await scim.patch(`/Users/${u.id}`, patchOp({ op: "remove", path: 'roles[value eq "MDM.Help"]' }));
    expect(((await (await scim.get(`/Users/${u.id}`)).json()) as any).roles.map((r: any) => r.value)).toEqual([
      "MDM.Kiosk",
      "MDM.Extra",
    ]);
  });

  it("filters on roles work as on emails", async () => {
    const { scim } = await clients();
    const value = `MDM.F${crypto.randomUUID().slice(0, 8)}`;
    const u = (await (await scim.post("/Users", entraUser({ roles: complex(value, "MDM.Other") }))).json()) as any;
    for (const filter of [
      `roles.value eq "${value}"`,
      `roles[primary eq "True" and value eq "${value}"]`,
      `roles[type eq "WindowsAzureActiveDirectoryRole" and value eq "${value}"]`,
    ]) {
      const list = (await (await scim.get(`/Users?filter=${encodeURIComponent(filter)}`)).json()) as any;
      expect(
        list.Resources.map((r: any) => r.id),
        filter,
      ).toEqual([u.id]);
    }
  });

  it("/Schemas declares roles with value, display, type and primary", async () => {
    const { scim } = await clients();
    const s = (await (await scim.get("/Schemas/urn:ietf:params:scim:schemas:core:2.0:User")).json()) as any;
    const roles = s.attributes.find((a: any) => a.name === "roles");
    expect(roles.subAttributes.map((a: any) => [a.name, a.type])).toEqual([
      ["value", "string"],
      ["display", "string"],
      ["type", "string"],
      ["primary", "boolean"],
    ]);
  });
});

describe("/Roles", () => {
  it("lists the product's roles, supported where the tenant uses them, with the tenant's labels and containment", async () => {
    const { scim, admin } = await clients();
    await saveMapping(admin, {
      roles: [{ id: "device-admin", label: "MDM admins", contains: ["helpdesk"] }, { id: "helpdesk" }],
      rules: [],
    });
    const res = await scim.get("/Roles");
    expect(res.status).toBe(200);
    const list = (await res.json()) as any;
    expect(list.schemas).toEqual(["urn:ietf:params:scim:api:messages:2.0:ListResponse"]);
    expect(list.totalResults).toBe(4);
    const admins = list.Resources.find((r: any) => r.value === "device-admin");
    expect(admins).toMatchObject({
      schemas: ["urn:ietf:params:scim:schemas:core:2.0:Role"],
      id: "device-admin",
      display: "MDM admins",
      supported: true,
      contains: ["helpdesk"],
      containedBy: [],
    });
    expect(list.Resources.find((r: any) => r.value === "helpdesk")).toMatchObject({
      supported: true,
      containedBy: ["device-admin"],
    });
    expect(list.Resources.find((r: any) => r.value === "kiosk")).toMatchObject({
      supported: false,
      display: "Kiosk user",
    });
    const filtered = (await (await scim.get(`/Roles?filter=${encodeURIComponent("supported eq true")}`)).json()) as any;
    expect(filtered.Resources.map((r: any) => r.id)).toEqual(["device-admin", "helpdesk"]);
    expect(((await (await scim.get("/Roles/kiosk")).json()) as any).value).toBe("kiosk");
    expect((await scim.get("/Roles/nope")).status).toBe(404);
    expect((await scim.post("/Roles", {})).status).toBe(405);
    const rt = (await (await scim.get("/ResourceTypes/Role")).json()) as any;
    expect(rt).toMatchObject({ id: "Role", endpoint: "/Roles", schema: "urn:ietf:params:scim:schemas:core:2.0:Role" });
    await saveMapping(admin, { roles: ROLES, rules: [] });
  });
});
