import { SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { DEV_CLIENT_ID, DEV_CLIENT_SECRET } from "../../src/cli/dev-client";
import { ORIGIN, issueToken, tenantDb } from "./helpers";
import { setClock } from "./oauth-helpers";
import {
  becomeAdmin,
  finish,
  identityUrl,
  newPerson,
  newTid,
  sessionOf,
  setupLink,
  signInAtProvider,
} from "./signin-helpers";

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
      issuer: `${identityUrl()}/${tid}/v2.0`,
      subject: person.oid,
      email: person.email,
      name: person.name,
    });
    expect(await tenantDb("acme").prepare("SELECT tid FROM entra_tenants WHERE tid = ?1").bind(tid).first()).toEqual({
      tid,
    });
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

  it("refuses an expired link, and a link's second use, without changing anything", async () => {
    const expired = await setupLink("acme", { role: "owner", expiresInMinutes: 1 });
    await setClock(2 * 60_000);
    try {
      const page = await SELF.fetch(`${base()}/setup?link=${expired.secret}`);
      expect(page.status).toBe(410);
      expect(await page.text()).toContain("This setup link has expired.");
      const start = await SELF.fetch(`${base()}/sign-in/start`, {
        method: "POST",
        redirect: "manual",
        headers: { Origin: ORIGIN, "Content-Type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ provider: "microsoft", link: expired.secret }),
      });
      expect(start.status).toBe(410);
    } finally {
      await setClock(0);
    }
    const row = await tenantDb("acme").prepare("SELECT used FROM setup_links WHERE id = ?1").bind(expired.id).first();
    expect(row).toEqual({ used: null });
    // Two people race for one link: the first wins, the second is refused and becomes nothing.
    const link = await setupLink("acme", { role: "admin" });
    const [a, b] = [await newPerson(newTid()), await newPerson(newTid())];
    const runA = await signInAtProvider("acme", a, link.secret);
    const runB = await signInAtProvider("acme", b, link.secret);
    expect((await finish(runA)).status).toBe(200);
    const second = await finish(runB);
    expect(second.status).toBe(303);
    expect(second.headers.get("Location")).toBe("/t/acme/admin/sign-in?failed=link");
    expect(await adminRow(b.oid)).toBeNull();
    const shown = await SELF.fetch(`${ORIGIN}${second.headers.get("Location")}`);
    expect(await shown.text()).toContain("This setup link was used or has expired.");
  });

  it("refuses a replayed state (and with it its nonce), and a callback in another browser", async () => {
    const person = await newPerson(newTid());
    await becomeAdmin("acme", person);
    const run = await signInAtProvider("acme", person);
    expect((await finish(run)).status).toBe(200);
    const replay = await finish(run);
    expect(replay.headers.get("Location")).toBe("/t/acme/admin/sign-in?failed=flow");
    const other = await signInAtProvider("acme", person);
    const res = await SELF.fetch(other.callback, { redirect: "manual" });
    expect(res.headers.get("Location")).toBe("/t/acme/admin/sign-in?failed=browser");
    expect(res.headers.get("Set-Cookie") ?? "").not.toContain("__Host-console-acme=");
  });

  it("refuses a code sent back with another sign-in's state: its PKCE verifier is not the code's", async () => {
    const person = await newPerson(newTid());
    await becomeAdmin("acme", person);
    const first = await signInAtProvider("acme", person);
    const second = await signInAtProvider("acme", person, undefined, first.jar);
    const injected = new URL(second.callback);
    injected.searchParams.set("code", new URL(first.callback).searchParams.get("code")!);
    const res = await finish(second, injected.href);
    expect(res.headers.get("Location")).toBe("/t/acme/admin/sign-in?failed=provider");
    expect(sessionOf(second, "acme")).toBeUndefined();
  });

  it("refuses an expired ID token", async () => {
    const person = await newPerson(newTid());
    await becomeAdmin("acme", person);
    const run = await signInAtProvider("acme", person);
    // The dev provider's ID tokens live 5 minutes; the sign-in itself may take 10.
    await setClock(7 * 60_000);
    try {
      const res = await finish(run);
      expect(res.headers.get("Location")).toBe("/t/acme/admin/sign-in?failed=provider");
    } finally {
      await setClock(0);
    }
    expect(await lastRefusal()).toMatchObject({ refusal: "provider", reason: expect.stringMatching(/exp/) });
  });

  it("refuses a person of an Entra tenant the tenant does not know, and a token whose issuer is not its tid's", async () => {
    const stranger = await newPerson(newTid());
    const res = await finish(await signInAtProvider("acme", stranger));
    expect(res.headers.get("Location")).toBe("/t/acme/admin/sign-in?failed=entra-tenant");
    const tid = newTid();
    const owner = await newPerson(tid);
    await becomeAdmin("acme", owner);
    // Signed in by another tenant's issuer, while claiming `tid`.
    const forged = await newPerson(tid, { issuedBy: newTid() });
    const link = await setupLink("acme", { role: "owner" });
    const mismatch = await finish(await signInAtProvider("acme", forged, link.secret));
    expect(mismatch.headers.get("Location")).toBe("/t/acme/admin/sign-in?failed=provider");
    expect(await lastRefusal()).toMatchObject({ reason: expect.stringMatching(/"iss" \(issuer\)/) });
    expect(await adminRow(forged.oid)).toBeNull();
    const unusedLink = await tenantDb("acme")
      .prepare("SELECT used FROM setup_links WHERE id = ?1")
      .bind(link.id)
      .first();
    expect(unusedLink).toEqual({ used: null });
  });

  it("refuses an email the provider says is unverified, and an invitation for another address", async () => {
    const unverified = await newPerson(newTid(), { emailVerified: false });
    const link = await setupLink("acme", { role: "owner" });
    const res = await finish(await signInAtProvider("acme", unverified, link.secret));
    expect(res.headers.get("Location")).toBe("/t/acme/admin/sign-in?failed=unverified-email");
    expect(await adminRow(unverified.oid)).toBeNull();
    const invited = await setupLink("acme", { role: "viewer", email: "someone-else@contoso.example" });
    const wrong = await newPerson(newTid());
    const answer = await finish(await signInAtProvider("acme", wrong, invited.secret));
    expect(answer.headers.get("Location")).toBe("/t/acme/admin/sign-in?failed=link-email");
    expect(await adminRow(wrong.oid)).toBeNull();
  });
});

describe("a tenant's own OpenID Connect provider", () => {
  it("is added with its secret sealed, signs a person in through a setup link, and never shows the secret", async () => {
    const tid = newTid();
    const key = await issueToken("globex", "admin");
    const headers = { Authorization: `Bearer ${key.token}`, "Content-Type": "application/json" };
    const added = await SELF.fetch(`${ORIGIN}/t/globex/admin/api/signin-providers`, {
      method: "POST",
      headers,
      body: JSON.stringify({
        name: "Contoso Okta",
        issuer: `${identityUrl()}/${tid}/v2.0`,
        clientId: DEV_CLIENT_ID,
        clientSecret: DEV_CLIENT_SECRET,
      }),
    });
    expect(added.status).toBe(201);
    const provider = (await added.json()) as { id: string; confidential: boolean; redirectUri: string };
    expect(provider).toMatchObject({ confidential: true, redirectUri: `${ORIGIN}/signin/callback` });
    const stored = await tenantDb("globex")
      .prepare("SELECT client_secret FROM signin_providers WHERE id = ?1")
      .bind(provider.id)
      .first<{ client_secret: string }>();
    expect(stored!.client_secret).not.toContain(DEV_CLIENT_SECRET);
    const list = await SELF.fetch(`${ORIGIN}/t/globex/admin/api/signin-providers`, { headers });
    expect(await list.text()).not.toContain(DEV_CLIENT_SECRET);
    const signInPage = await SELF.fetch(`${ORIGIN}/t/globex/admin/sign-in`);
    expect(await signInPage.text()).toContain("Sign in with Contoso Okta");
    const person = await newPerson(tid);
    const link = await setupLink("globex", { role: "admin" });
    const run = await signInAtProvider("globex", person, link.secret, undefined, provider.id);
    expect((await finish(run)).status).toBe(200);
    const admin = await tenantDb("globex")
      .prepare("SELECT role, provider, issuer, subject FROM admins WHERE email = ?1")
      .bind(person.email)
      .first();
    expect(admin).toEqual({
      role: "admin",
      provider: "oidc",
      issuer: `${identityUrl()}/${tid}/v2.0`,
      // The dev provider's `sub` is the login it was given.
      subject: person.email,
    });
    const bad = await SELF.fetch(`${ORIGIN}/t/globex/admin/api/signin-providers`, {
      method: "POST",
      headers,
      body: JSON.stringify({ name: "Plain", issuer: "http://idp.example.com", clientId: "x" }),
    });
    expect(bad.status).toBe(400);
  });
});

const adminRow = (oid: string) =>
  tenantDb("acme").prepare("SELECT role FROM admins WHERE subject = ?1").bind(oid).first();

/** The newest sign-in refusal, as audited (the outbox row, before the queue delivers it). */
async function lastRefusal() {
  const row = await tenantDb("acme")
    .prepare(
      "SELECT payload FROM outbox WHERE json_extract(payload, '$.actor') = 'signin' ORDER BY created DESC, rowid DESC LIMIT 1",
    )
    .first<{ payload: string }>();
  return row ? (JSON.parse(row.payload) as { detail: Record<string, unknown> }).detail : null;
}
