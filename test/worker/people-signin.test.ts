import { SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { ORIGIN, tenantDb } from "./helpers";
import { becomeAdmin, finish, newPerson, newTid, sessionOf, setupLink, signInAtProvider } from "./signin-helpers";

const base = (tenant = "acme") => `${ORIGIN}/t/${tenant}/admin`;

describe("setup link and Sign in with Microsoft (the dev OpenID provider)", () => {
  it("makes the person who follows a setup link an owner, recording their Entra tenant", async () => {
    const tid = newTid();
    const person = await newPerson(tid);
    const link = await setupLink("acme", { role: "owner" });
    const page = await SELF.fetch(`${base()}/setup?link=${link.secret}`);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain("Sign in with Microsoft");
    expect(html).toContain("an owner");
    const run = await signInAtProvider("acme", person, link.secret);
    const res = await finish(run);
    if (res.status !== 200) console.log(JSON.stringify((await tenantDb("acme").prepare("SELECT payload FROM outbox ORDER BY created DESC LIMIT 2").all()).results));
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('http-equiv="refresh"');
    const cookie = sessionOf(run, "acme")!;
    expect(cookie).toBeTruthy();
    const overview = await SELF.fetch(`${base()}/`, { headers: { Cookie: cookie } });
    expect(overview.status).toBe(200);
    const admin = await tenantDb("acme")
      .prepare("SELECT role, provider, issuer, subject, email, name FROM admins WHERE subject = ?1")
      .bind(person.oid)
      .first();
    expect(admin).toEqual({
      role: "owner",
      provider: "microsoft",
      issuer: `${new URL(run.callback).origin === ORIGIN ? "" : ""}${(await import("./signin-helpers")).identityUrl()}/${tid}/v2.0`,
      subject: person.oid,
      email: person.email,
      name: person.name,
    });
    expect(await tenantDb("acme").prepare("SELECT tid FROM entra_tenants WHERE tid = ?1").bind(tid).first()).toEqual({ tid });
    // Signing in again, without a link, works: the person is an admin now.
    const again = await signInAtProvider("acme", person);
    expect((await finish(again)).status).toBe(200);
    expect(sessionOf(again, "acme")).toBeTruthy();
  });

  it("shows a clear page for a used, forged or other tenant's link, changing nothing", async () => {
    const person = await newPerson(newTid());
    const cookie = await becomeAdmin("acme", person);
    expect(cookie).toBeTruthy();
    const used = await setupLink("acme", { role: "admin" });
    await finish(await signInAtProvider("acme", await newPerson(newTid()), used.secret));
    const usedPage = await SELF.fetch(`${base()}/setup?link=${used.secret}`);
    expect(usedPage.status).toBe(410);
    expect(await usedPage.text()).toContain("This setup link was already used.");
    const forged = await SELF.fetch(`${base()}/setup?link=scimsl_${"A".repeat(43)}`);
    expect(forged.status).toBe(404);
    expect(await forged.text()).toContain("This setup link is not valid for this tenant.");
    const globexLink = await setupLink("globex", { role: "owner" });
    const other = await SELF.fetch(`${base()}/setup?link=${globexLink.secret}`);
    expect(other.status).toBe(404);
  });
});
