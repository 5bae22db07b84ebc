/**
 * The Settings page's SCIM behaviour fields (docs/conformance.md): delete mode, dialect and the
 * request ceiling, saved through the same settings service as the admin API; a deleted user's
 * profile reads "Deleted".
 */
import { afterAll, describe, expect, it } from "vitest";
import { consoleSession, text } from "./console-helpers";
import { adminClient, createUser, newClient, tenantDb } from "./helpers";

const TENANT = "globex";
const { session, post, get } = consoleSession(TENANT);
const stored = async (key: string) =>
  (await tenantDb(TENANT).prepare("SELECT value FROM settings WHERE key = ?1").bind(key).first<{ value: string }>())
    ?.value;

describe("console: SCIM behaviour settings", () => {
  afterAll(async () => {
    await (await adminClient(TENANT)).put("/settings", { deleteMode: "suspend", dialect: "entra", scimRateLimit: 200 });
  });

  it("shows the three fields with their current values, saves them, and refuses a ceiling that is not offered", async () => {
    const s = await session();
    const page = await (await get(s, "/settings")).text();
    expect(page).toMatch(/<select id="deleteMode" name="deleteMode"/);
    expect(page).toMatch(/<option value="suspend" selected/);
    expect(page).toMatch(/<option value="entra" selected/);
    expect(page).toMatch(/<option value="200" selected/);
    const form = { mode: "off", inviteSubject: "Hi", inviteBody: "Body", action: "save" };
    const refused = await post(s, "/settings", { ...form, scimRateLimit: "300" });
    expect(refused.status).toBe(400);
    expect(await text(refused)).toContain("Choose one of the listed request ceilings.");
    const saved = await post(s, "/settings", {
      ...form,
      deleteMode: "delete",
      dialect: "strict",
      scimRateLimit: "500",
    });
    expect(saved.status).toBe(303);
    expect([await stored("deleteMode"), await stored("dialect"), await stored("scimRateLimit")]).toEqual([
      '"delete"',
      '"strict"',
      "500",
    ]);
  });

  it("a user deleted in the delete mode reads Deleted on its profile", async () => {
    await (await adminClient(TENANT)).put("/settings", { deleteMode: "delete", dialect: "entra" });
    const c = await newClient(TENANT);
    const u = await createUser(c);
    expect((await c.del(`/Users/${u.id}`)).status).toBe(204);
    const profile = await get(await session(), `/users/${u.id}`);
    expect(profile.status).toBe(200);
    const shown = await text(profile);
    expect(shown).toContain(u.userName);
    expect(shown).toContain("Deleted");
  });
});
