/**
 * The console's wording: a re-enable reads "enable" in the audit (old entries too),
 * the built-in group explained, Activity rows that name a lookup's filter and an id once, the
 * filters in the admin's words, and the navigation's Setup menu.
 */
import { describe, expect, it } from "vitest";
import { consoleSession, text } from "./console-helpers";
import { adminClient, auditRows, createUser, eventually, newClient, patchOp, tenantDb } from "./helpers";

const { session, get } = consoleSession("acme");

describe("audit: a reactivation is an enable", () => {
  it("records disable, then enable, for a suspended user made active again; the Audit page filters and labels it", async () => {
    const c = await newClient();
    const u = await createUser(c);
    expect(
      (await c.patch(`/Users/${u.id}`, patchOp({ op: "replace", path: "active", value: false }))).status,
    ).toBeLessThan(300);
    expect(
      (await c.patch(`/Users/${u.id}`, patchOp({ op: "replace", path: "active", value: true }))).status,
    ).toBeLessThan(300);
    const rows = await eventually(async () => {
      const r = await auditRows("acme", u.id);
      return r.length === 3 ? r : null;
    });
    expect(rows.map((r) => r.action)).toEqual(["create", "disable", "enable"]);
    const admin = await adminClient();
    const enables = (await (await admin.get(`/audit?action=enable&resourceId=${u.id}`)).json()) as {
      entries: { action: string }[];
    };
    expect(enables.entries.map((e) => e.action)).toEqual(["enable"]);
    const s = await session();
    const page = await text(await get(s, `/audit?action=enable&resourceId=${u.id}`));
    expect(page).toContain(`enable scim User ${u.userName}`);
  });

  it("an entry recorded as update before enable existed reads, and filters, as enable", async () => {
    const id = crypto.randomUUID();
    await tenantDb("acme")
      .prepare(
        "INSERT INTO audit_log (id, at, actor, action, resource_type, resource_id, detail) VALUES (?1, ?2, 'scim', 'update', 'User', ?3, ?4)",
      )
      .bind(
        crypto.randomUUID(),
        new Date().toISOString(),
        id,
        JSON.stringify({ userName: "old@contoso.com", request: "PATCH", active: true, changed: ["active"] }),
      )
      .run();
    const admin = await adminClient();
    const found = (await (await admin.get(`/audit?action=enable&resourceId=${id}`)).json()) as {
      entries: { action: string }[];
    };
    expect(found.entries.map((e) => e.action)).toEqual(["enable"]);
    const updates = (await (await admin.get(`/audit?action=update&resourceId=${id}`)).json()) as {
      entries: { action: string }[];
    };
    expect(updates.entries.map((e) => e.action)).toEqual(["enable"]);
  });
});

describe("console wording", () => {
  it("explains the built-in All Users group in plain words on the Groups page and its own page", async () => {
    const s = await session();
    const list = await text(await get(s, "/groups"));
    expect(list).toContain(
      "Built in, and not everyone: the users whose group Entra ID deleted, suspended and kept here.",
    );
    const one = await text(await get(s, "/groups/all-users"));
    expect(one).toContain("Despite its name, this group does not list every user");
    expect(one).not.toMatch(/P16/);
  });

  it("Activity: a lookup's row shows the filter it used, a read by id shows the id once; the filters in the admin's words", async () => {
    const c = await newClient();
    const u = await createUser(c);
    const sought = `nobody-${crypto.randomUUID()}@contoso.com`;
    expect((await c.get(`/Users?filter=${encodeURIComponent(`userName eq "${sought}"`)}`)).status).toBe(200);
    expect((await c.get(`/Users/${u.id}`)).status).toBe(200);
    const s = await session();
    const page = await eventually(async () => {
      const t = await text(await get(s, "/activity"));
      return t.includes(sought) && t.includes(`GET /Users/${u.id}`) ? t : null;
    });
    expect(page).toContain(`GET /Users where userName eq "${sought}"`);
    expect(page.split(u.id).length - 1).toBe(1);
    expect(page).toContain("User name");
    expect(page).toContain("External id");
    expect(page).toContain("Error type");
    expect(page).toContain("Already exists");
    expect(page).not.toMatch(/>\s*(scimType|externalId|userName)\s*</);
  });

  it("the navigation: the daily pages on the top row, the rest in a Setup menu, the current page marked", async () => {
    const s = await session();
    const html = await (await get(s, "/token")).text();
    const nav = html.slice(html.indexOf('<nav aria-label="Console">'), html.indexOf("</nav>"));
    const [daily, setup] = nav.split('<details class="menu">');
    for (const label of ["Overview", "Users", "Groups", "Activity", "Events", "Audit log"])
      expect(daily).toContain(`>${label}</a>`);
    for (const label of ["Token", "OAuth clients", "Custom attributes", "Settings"])
      expect(setup).toContain(`>${label}</a>`);
    expect(setup).toContain('<summary class="current">Setup</summary>');
    expect(setup).toContain('aria-current="page">Token</a>');
  });
});
