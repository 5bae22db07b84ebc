import { describe, expect, it } from "vitest";
import { adminClient, auditRows, createUser, entraUser, eventually, newClient, patchOp, tenantDb } from "./helpers";

const CUSTOM = "urn:ietf:params:scim:schemas:extension:ivanti:2.0:User";

/** Each test uses its own tenant-wide settings; they run one file at a time in their own storage. */
describe("provisioning rules", () => {
  it("P18 custom attributes: defined by the admin, shown in /Schemas, stored; undefined ones ignored and audited", async () => {
    const admin = await adminClient();
    const name = `attr${crypto.randomUUID().slice(0, 8)}`;
    expect((await admin.post("/custom-attributes", { name })).status).toBe(201);
    expect((await admin.post("/custom-attributes", { name })).status).toBe(409);
    expect((await admin.post("/custom-attributes", { name: "1bad name" })).status).toBe(400);
    const c = await newClient();
    const schema = await (await c.get(`/Schemas/${CUSTOM}`)).json<any>();
    expect(schema.attributes.map((a: any) => a.name)).toContain(name);
    const u = await createUser(c, { [CUSTOM]: { [name]: "v1", notDefined: "x" } });
    expect(u[CUSTOM]).toEqual({ [name]: "v1" });
    const rows = await eventually(async () => {
      const r = await auditRows("acme", u.id);
      return r.length ? r : null;
    });
    expect(rows[0].detail.ignoredAttributes).toEqual([`${CUSTOM}:notDefined`]);
    await c.patch(`/Users/${u.id}`, patchOp({ op: "replace", path: `${CUSTOM}:${name}`, value: "v2" }));
    expect((await (await c.get(`/Users/${u.id}`)).json<any>())[CUSTOM][name]).toBe("v2");
    const listed = await (await admin.get("/custom-attributes")).json<any>();
    expect(listed.attributes.find((a: any) => a.name === name)).toMatchObject({ type: "IdP" });
    expect((await admin.del(`/custom-attributes/${name}`)).status).toBe(204);
  });

  it("P11 a SCIM create takes over a user from another source: same id, source SCIM, audited", async () => {
    const admin = await adminClient();
    const local = entraUser();
    const imported = await (await admin.post("/import", { users: [{ ...local, source: "local" }] })).json<any>();
    const id = imported.ids[String(local.userName).toLowerCase()];
    const c = await newClient();
    const res = await c.post(
      "/Users",
      entraUser({ userName: String(local.userName).toUpperCase(), displayName: "Taken over" }),
    );
    expect(res.status).toBe(201);
    const u = await res.json<any>();
    expect(u.id).toBe(id);
    expect(u.displayName).toBe("Taken over");
    const one = await (await admin.get(`/users/${id}`)).json<any>();
    expect(one.source).toBe("scim");
    const count = await tenantDb("acme")
      .prepare("SELECT count(*) AS n FROM users WHERE user_name = ?1 COLLATE NOCASE")
      .bind(local.userName)
      .first<{ n: number }>();
    expect(count?.n).toBe(1);
    const rows = await eventually(
      async () => (await auditRows("acme", id)).find((r) => r.action === "takeover") ?? null,
    );
    expect(rows.detail).toMatchObject({ fromSource: "local" });
    // Taken over now: a second create is an ordinary conflict.
    expect((await c.post("/Users", entraUser({ userName: local.userName }))).status).toBe(409);
  });

  it("P15 P11 a group from another source with the same name is refused, not taken over", async () => {
    const admin = await adminClient();
    const name = `LDAP Group ${crypto.randomUUID()}`;
    expect((await admin.post("/import", { groups: [{ displayName: name, source: "ldap" }] })).status).toBe(201);
    const c = await newClient();
    const res = await c.post("/Groups", { displayName: name.toUpperCase() });
    expect(res.status).toBe(409);
    const detail = ((await res.json()) as any).detail;
    expect(detail).toMatch(/group names are unique/);
    expect(detail).not.toMatch(/\bP\d+\b/);
  });

  it("P24 after a takeover from the Entra ID user source, that source is read-only", async () => {
    const admin = await adminClient("globex");
    const old = entraUser();
    expect((await admin.post("/import", { users: [{ ...old, source: "entra-user-source" }] })).status).toBe(201);
    const c = await newClient("globex");
    expect((await c.post("/Users", entraUser({ userName: old.userName }))).status).toBe(201);
    const again = await admin.post("/import", { users: [{ ...entraUser(), source: "entra-user-source" }] });
    expect(again.status).toBe(409);
    const { error } = await again.json<any>();
    expect(error.message).toMatch(/read-only: migration to SCIM has started/);
    expect(error.message).not.toMatch(/\bP\d+\b/);
    expect(error.reason).toBe("entra-user-source-migration");
    expect((await admin.post("/import", { users: [{ ...entraUser(), source: "ldap" }] })).status).toBe(201);
  });

  it("P25 an LDAP user's custom attributes become IdP attributes; later SCIM updates change only the IdP value", async () => {
    const admin = await adminClient();
    const ldapUser = entraUser();
    const attr = `ldapAttr${crypto.randomUUID().slice(0, 6)}`;
    const imp = await (
      await admin.post("/import", { users: [{ ...ldapUser, source: "ldap", ldapAttributes: { [attr]: "SAN-123" } }] })
    ).json<any>();
    const id = imp.ids[String(ldapUser.userName).toLowerCase()];
    const c = await newClient();
    const res = await c.post("/Users", entraUser({ userName: ldapUser.userName }));
    expect(res.status).toBe(201);
    expect((await res.json<any>())[CUSTOM]).toEqual({ [attr]: "SAN-123" });
    const attrs = await (await admin.get("/custom-attributes")).json<any>();
    expect(attrs.attributes.map((a: any) => a.name)).toContain(attr);
    await c.patch(`/Users/${id}`, patchOp({ op: "replace", path: `${CUSTOM}:${attr}`, value: "SAN-999" }));
    const one = await (await admin.get(`/users/${id}`)).json<any>();
    expect(one.custom[attr]).toBe("SAN-999");
    expect(one.ldap[attr]).toBe("SAN-123");
  });

  it("P25 a managed Apple ID already set is kept when the setting is on before the takeover", async () => {
    const admin = await adminClient("globex");
    await admin.put("/settings", { managedAppleId: { mode: "email-appleid" } });
    const ldapUser = entraUser();
    const imp = await (
      await admin.post("/import", {
        users: [{ ...ldapUser, source: "ldap", managedAppleId: "kept@apple.example.com" }],
      })
    ).json<any>();
    const id = imp.ids[String(ldapUser.userName).toLowerCase()];
    const c = await newClient("globex");
    expect((await c.post("/Users", entraUser({ userName: ldapUser.userName }))).status).toBe(201);
    expect((await (await admin.get(`/users/${id}`)).json<any>()).managedAppleId).toBe("kept@apple.example.com");
    await admin.put("/settings", { managedAppleId: { mode: "off" } });
  });

  it("P21 managed Apple ID from the email, with the appleid subdomain, and from a custom attribute", async () => {
    const admin = await adminClient();
    const c = await newClient();
    await admin.put("/settings", { managedAppleId: { mode: "email-appleid" } });
    const a = await createUser(c, { emails: [{ value: "ann@example.com", primary: true, type: "work" }] });
    expect((await (await admin.get(`/users/${a.id}`)).json<any>()).managedAppleId).toBe("ann@appleid.example.com");
    // A change of its source changes it.
    await c.patch(
      `/Users/${a.id}`,
      patchOp({ op: "replace", path: 'emails[type eq "work"].value', value: "ann2@example.com" }),
    );
    expect((await (await admin.get(`/users/${a.id}`)).json<any>()).managedAppleId).toBe("ann2@appleid.example.com");

    const attr = `appleSrc${crypto.randomUUID().slice(0, 6)}`;
    await admin.post("/custom-attributes", { name: attr });
    expect((await admin.put("/settings", { managedAppleId: { mode: "attribute", attribute: attr } })).status).toBe(200);
    const b = await createUser(c, { [CUSTOM]: { [attr]: "bob@apple.example.com" } });
    expect((await (await admin.get(`/users/${b.id}`)).json<any>()).managedAppleId).toBe("bob@apple.example.com");
    // Not an email: refused, nothing created.
    const bad = entraUser({ [CUSTOM]: { [attr]: "not an email" } });
    expect((await c.post("/Users", bad)).status).toBe(400);
    expect(
      (await (await c.get(`/Users?filter=userName+eq+%22${encodeURIComponent(String(bad.userName))}%22`)).json<any>())
        .totalResults,
    ).toBe(0);
    // Not unique: 409, nothing created.
    const dup = entraUser({ [CUSTOM]: { [attr]: "BOB@apple.example.com" } });
    expect((await c.post("/Users", dup)).status).toBe(409);
    expect((await admin.del(`/custom-attributes/${attr}`)).status).toBe(409);
    await admin.put("/settings", { managedAppleId: { mode: "off" } });
  });

  it("P20 P19 with auto-invite on, a new user gets one invitation rendered from the templates", async () => {
    const admin = await adminClient();
    const attr = `cost${crypto.randomUUID().slice(0, 6)}`;
    await admin.post("/custom-attributes", { name: attr });
    const put = await admin.put("/settings", {
      autoInvite: true,
      inviteSubject: "Welcome ${givenName}",
      inviteBody: "Code ${" + attr + "} for ${userName}",
    });
    expect(put.status).toBe(200);
    const c = await newClient();
    const u = await createUser(c, { [CUSTOM]: { [attr]: "C-42" } });
    const mail = await eventually(async () => {
      const m = await (await admin.get("/mail")).json<any>();
      return m.mail.find((x: any) => x.userId === u.id) ?? null;
    });
    expect(mail).toMatchObject({
      to: u.emails[0].value,
      subject: `Welcome ${u.name.givenName}`,
      body: `Code C-42 for ${u.userName}`,
      status: "stored",
    });
    await admin.put("/settings", { autoInvite: false });
    const v = await createUser(c);
    await new Promise((r) => setTimeout(r, 1500));
    const all = await (await admin.get("/mail")).json<any>();
    expect(all.mail.some((x: any) => x.userId === v.id)).toBe(false);
  });

  it("P19 values from Entra are inserted as text: a <script> display name stays characters, CR/LF never reach the subject", async () => {
    const admin = await adminClient();
    const put = await admin.put("/settings", {
      autoInvite: true,
      inviteSubject: "Welcome ${givenName}",
      inviteBody: "Hello ${displayName}!\nBye",
    });
    expect(put.status).toBe(200);
    const c = await newClient();
    const u = await createUser(c, {
      displayName: "<script>alert(1)</script>",
      name: { givenName: "Ann\r\nBcc: victim@example.com", familyName: "Lee" },
    });
    const mail = await eventually(async () => {
      const m = await (await admin.get("/mail")).json<any>();
      return m.mail.find((x: any) => x.userId === u.id) ?? null;
    });
    // text/plain: no escaping to do, and none done (an HTML-escaped body would show "&lt;script&gt;").
    expect(mail.body).toBe("Hello <script>alert(1)</script>!\nBye");
    expect(mail.subject).toBe("Welcome Ann  Bcc: victim@example.com");
    expect(mail.subject).not.toMatch(/[\r\n]/);
    await admin.put("/settings", { autoInvite: false });
  });

  it("P8 P5 P6 hold for migration too: the import refuses and changes nothing", async () => {
    const admin = await adminClient();
    const ok = entraUser();
    for (const bad of [
      entraUser({ active: false }),
      entraUser({ emails: [] }),
      entraUser({ name: { givenName: "", familyName: "F" } }),
    ]) {
      const res = await admin.post("/import", {
        users: [
          { ...ok, source: "local" },
          { ...bad, source: "local" },
        ],
      });
      expect(res.status).toBe(400);
    }
    const n = await tenantDb("acme")
      .prepare("SELECT count(*) AS n FROM users WHERE user_name = ?1")
      .bind(ok.userName)
      .first<{ n: number }>();
    expect(n?.n).toBe(0);
  });
});
