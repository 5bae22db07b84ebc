import { SELF, env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { sealerFor } from "../../src/platform/seal";
import { sha256Hex } from "../../src/tenants/tokens";
import { ORIGIN, createGroup, entraUser, eventually, issueToken, patchOp, scimClient, tenantDb } from "./helpers";
import { oauthError, scimWith, tokenRequest } from "./oauth-helpers";

const base = (tenant = "acme") => `${ORIGIN}/t/${tenant}/admin`;
let client = 0;
/** Each test signs in from its own client address, so the sign-in throttle of one never slows another. */
const clientIp = () => `198.51.100.${++client}`;

async function signIn(token: string, tenant = "acme", ip = clientIp()) {
  return SELF.fetch(`${base(tenant)}/sign-in`, {
    method: "POST",
    redirect: "manual",
    headers: { Origin: ORIGIN, "Content-Type": "application/x-www-form-urlencoded", "CF-Connecting-IP": ip },
    body: new URLSearchParams({ token }),
  });
}

/** Signs in with a fresh admin token; returns the session cookie and the page's CSRF token. */
async function session(tenant = "acme") {
  const admin = await issueToken(tenant, "admin");
  const res = await signIn(admin.token, tenant);
  expect(res.status).toBe(303);
  const cookie = res.headers.get("Set-Cookie")!.split(";")[0];
  const page = await SELF.fetch(`${base(tenant)}/`, { headers: { Cookie: cookie } });
  const csrf = /name="_csrf" value="([^"]+)"/.exec(await page.text())?.[1] ?? "";
  return { cookie, csrf, admin };
}

const post = (path: string, cookie: string, form: Record<string, string>, origin = ORIGIN) =>
  SELF.fetch(`${base()}${path}`, {
    method: "POST",
    redirect: "manual",
    headers: { Cookie: cookie, Origin: origin, "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams(form),
  });

describe("admin console: sign-in and sessions", () => {
  it("opens a session whose cookie is __Host-, HttpOnly, Secure, SameSite=Strict and stored only as a hash", async () => {
    const admin = await issueToken("acme", "admin");
    const res = await signIn(admin.token);
    expect(res.status).toBe(303);
    expect(res.headers.get("Location")).toBe("/t/acme/admin/");
    const setCookie = res.headers.get("Set-Cookie")!;
    expect(setCookie).toMatch(/^__Host-console-acme=[A-Za-z0-9_-]{43};/);
    expect(setCookie).toContain("HttpOnly");
    expect(setCookie).toContain("Secure");
    expect(setCookie).toContain("SameSite=Strict");
    expect(setCookie).toContain("Path=/");
    expect(setCookie).not.toContain("Domain");
    const id = /=([^;]+);/.exec(setCookie)![1];
    const rows = await tenantDb("acme")
      .prepare("SELECT hash, token_id, expires FROM console_sessions WHERE token_id = ?1")
      .bind(admin.id)
      .all();
    expect(rows.results).toEqual([expect.objectContaining({ hash: await sha256Hex(id), token_id: admin.id })]);
    expect(JSON.stringify(rows.results)).not.toContain(id);
  });

  it("answers every wrong token with the same generic message and never echoes it", async () => {
    const scim = await issueToken("acme", "scim");
    const otherTenant = await issueToken("globex", "admin");
    const bodies = new Set<string>();
    for (const token of [`adm_${"a".repeat(43)}`, "nonsense", scim.token, otherTenant.token, ""]) {
      const res = await signIn(token);
      expect(res.status, token).toBe(401);
      expect(res.headers.get("Set-Cookie")).toBeNull();
      const html = await res.text();
      expect(html).toContain("Sign-in failed. Check the admin token and try again.");
      if (token) expect(html).not.toContain(token);
      bodies.add(html);
    }
    expect(bodies.size).toBe(1);
  });

  it("refuses further attempts from a client after repeated failures, even with the right token", async () => {
    const admin = await issueToken("acme", "admin");
    const ip = clientIp();
    for (let i = 0; i < 10; i++) await signIn(`adm_${String(i).padStart(43, "x")}`, "acme", ip);
    const locked = await signIn(admin.token, "acme", ip);
    expect(locked.status).toBe(429);
    expect(Number(locked.headers.get("Retry-After"))).toBeGreaterThan(0);
    expect(await locked.text()).toContain("Sign-in failed. Check the admin token and try again.");
    expect((await signIn(admin.token, "acme", clientIp())).status).toBe(303);
  }, 60_000);

  it("sends a request without a session to sign-in, and leaves the JSON API to its bearer token", async () => {
    const res = await SELF.fetch(`${base()}/users`, { redirect: "manual" });
    expect(res.status).toBe(303);
    expect(res.headers.get("Location")).toBe("/t/acme/admin/sign-in");
    const forged = await SELF.fetch(`${base()}/users`, {
      redirect: "manual",
      headers: { Cookie: `__Host-console-acme=${"A".repeat(43)}` },
    });
    expect(forged.status).toBe(303);
    const api = await SELF.fetch(`${base()}/api/settings`);
    expect(api.status).toBe(401);
    expect(await api.json()).toMatchObject({ error: { status: 401 } });
    // Issue 12: an unknown tenant looks like a known one refusing the token.
    expect((await SELF.fetch(`${ORIGIN}/t/nobody/admin/sign-in`)).status).toBe(200);
    expect((await signIn(`adm_${"a".repeat(43)}`, "nobody")).status).toBe(401);
  });

  it("ends every session of an admin token when that token is rotated", async () => {
    const { cookie, admin } = await session();
    expect((await SELF.fetch(`${base()}/users`, { headers: { Cookie: cookie }, redirect: "manual" })).status).toBe(200);
    // What `npm run tenant -- rotate-token acme --scope admin` does to the old token's row.
    await tenantDb("acme")
      .prepare("UPDATE tokens SET revoked = ?2 WHERE id = ?1")
      .bind(admin.id, new Date().toISOString())
      .run();
    const res = await SELF.fetch(`${base()}/users`, { headers: { Cookie: cookie }, redirect: "manual" });
    expect(res.status).toBe(303);
  });

  it("signs out: the session row goes and the cookie opens nothing", async () => {
    const { cookie } = await session();
    const res = await post("/sign-out", cookie, {});
    expect(res.status).toBe(303);
    expect(res.headers.get("Set-Cookie")).toMatch(/^__Host-console-acme=;/);
    expect((await SELF.fetch(`${base()}/`, { headers: { Cookie: cookie }, redirect: "manual" })).status).toBe(303);
  });
});

describe("admin console: forms and headers", () => {
  it("refuses a form from another origin, or without the session's CSRF token, and changes nothing", async () => {
    const { cookie, csrf } = await session();
    expect(csrf).toMatch(/^[0-9a-f]{64}$/);
    const before = await tenantDb("acme").prepare("SELECT count(*) AS n FROM custom_attributes").first<{ n: number }>();
    expect(
      (await post("/attributes", cookie, { _csrf: csrf, name: "csrfProbe1" }, "https://evil.example")).status,
    ).toBe(403);
    expect((await post("/attributes", cookie, { name: "csrfProbe2" })).status).toBe(403);
    expect((await post("/attributes", cookie, { _csrf: "0".repeat(64), name: "csrfProbe3" })).status).toBe(403);
    const after = await tenantDb("acme").prepare("SELECT count(*) AS n FROM custom_attributes").first<{ n: number }>();
    expect(after).toEqual(before);
    const ok = await post("/attributes", cookie, { _csrf: csrf, name: `csrfOk${Date.now()}` });
    expect(ok.status).toBe(303);
  });

  it("serves pages with a strict Content-Security-Policy, no inline script or style, never cached", async () => {
    const { cookie } = await session();
    for (const path of [
      "/",
      "/users",
      "/groups",
      "/activity",
      "/attributes",
      "/settings",
      "/token",
      "/audit",
      "/mail",
      "/sign-in",
    ]) {
      const res = await SELF.fetch(`${base()}${path}`, { headers: { Cookie: cookie } });
      expect(res.status, path).toBe(200);
      const csp = res.headers.get("Content-Security-Policy")!;
      expect(csp).toContain("default-src 'none'");
      expect(csp).toContain("script-src 'self'");
      expect(csp).toContain("style-src 'self'");
      expect(csp).toContain("frame-ancestors 'none'");
      // One framing policy: the legacy header agrees with the CSP.
      expect(res.headers.get("X-Frame-Options")).toBe("DENY");
      expect(csp).not.toContain("unsafe");
      expect(res.headers.get("Cache-Control")).toBe("no-store");
      const html = await res.text();
      expect(html, path).not.toMatch(/<script(?![^>]*\ssrc=)[^>]*>/);
      expect(html, path).not.toMatch(/\sstyle=|<style/);
      expect(html, path).not.toMatch(/\son[a-z]+=/);
      // An admin reads what happened and what to change, never a rule number.
      expect(textOf(html), path).not.toMatch(/\bP\d{1,2}\b/);
    }
  });

  it("a slug with an encoded line break, carriage return or NUL is a redirect or a refusal, never a 500", async () => {
    for (const slug of ["a%0aX", "a%0d%0aSet-Cookie:%20x=1", "a%00", "%0a", "ACME%0a"]) {
      for (const path of ["/admin/users", "/admin/", "/admin/sign-in", "/admin/settings"]) {
        const res = await SELF.fetch(`${ORIGIN}/t/${slug}${path}`, { redirect: "manual" });
        expect(res.status, `${slug}${path}`).toBeLessThan(500);
        const location = res.headers.get("Location");
        if (location) expect(location, slug).toMatch(/^\/t\/[!-~]+\/admin\/sign-in$/);
        expect(res.headers.get("Set-Cookie")).toBeNull();
        await res.body?.cancel();
      }
      const post = await SELF.fetch(`${ORIGIN}/t/${slug}/admin/sign-in`, {
        method: "POST",
        redirect: "manual",
        headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: ORIGIN },
        body: "token=adm_x",
      });
      expect(post.status, slug).toBeLessThan(500);
      await post.body?.cancel();
    }
  });

  it("keeps what was typed and shows the error beside the field when a form is refused", async () => {
    const { cookie, csrf } = await session();
    const res = await post("/settings", cookie, {
      _csrf: csrf,
      mode: "off",
      inviteSubject: "Hi ${nickname}",
      inviteBody: "Body stays",
      action: "save",
    });
    expect(res.status).toBe(400);
    const html = await res.text();
    expect(html).toMatch(
      /<p class="error" id="inviteSubject-error" role="alert">inviteSubject uses unknown variables: \$\{nickname\}\.<\/p>/,
    );
    expect(html).toContain('value="Hi ${nickname}"');
    expect(html).toContain("Body stays</textarea>");
  });
});

/** A page's visible text: tags dropped, entities decoded, spaces collapsed. */
const textOf = (html: string) =>
  html
    .replace(/<[^>]+>/g, " ")
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&amp;/g, "&")
    .replace(/\s+/g, " ");

const page = async (path: string, cookie: string) => {
  const res = await SELF.fetch(`${base()}${path}`, { headers: { Cookie: cookie } });
  return { status: res.status, html: await res.text() };
};

/** Activity records reach D1 through the real local Queue and its consumer: wait until `n` are there. */
const activityCount = (n: number) =>
  eventually(
    async () =>
      (await tenantDb("acme").prepare("SELECT count(*) AS n FROM activity").first<{ n: number }>())!.n >= n
        ? true
        : null,
    15_000,
  );

/** An Entra-shaped burst: a create, a PATCH of it, a create without email (P5) that fails. */
async function entraBurst() {
  const scim = scimClient("acme", (await issueToken("acme")).token);
  const ok = entraUser();
  const created = await scim.post("/Users", ok);
  expect(created.status).toBe(201);
  const id = ((await created.json()) as { id: string }).id;
  expect(
    (await scim.patch(`/Users/${id}`, patchOp({ op: "Replace", path: "displayName", value: "Renamed In Entra" })))
      .status,
  ).toBe(204);
  const { emails: _none, ...noEmail } = entraUser();
  expect((await scim.post("/Users", noEmail)).status).toBe(400);
  return { scim, ok, id, noEmail };
}

describe("admin console: provisioning activity (issue 10)", () => {
  it("P5 the Overview shows the health figures and the failure reason with its fix after a SCIM create without email", async () => {
    await tenantDb("acme").prepare("DELETE FROM activity").run();
    const { cookie } = await session();
    const before = textOf((await page("/", cookie)).html);
    expect(before).toContain("Provisioning health");
    expect(before).toContain("No SCIM request yet");

    await entraBurst();
    await activityCount(3);
    const { status, html } = await page("/", cookie);
    expect(status).toBe(200);
    const text = textOf(html);
    expect(text).toContain("Last hour 3 requests, 1 failed");
    expect(text).toContain("Last 24 hours 3 requests, 1 failed (33.3%; Entra quarantines a job above 40%)");
    expect(text).toContain("Some requests failed in the last hour");
    expect(text).toContain("User without an email address · 1 request, last");
    expect(text).toContain(
      'Fix: In Entra\'s attribute mappings, map mail or userPrincipalName to emails[type eq "work"].value',
    );
    expect(html).toContain("<code>userPrincipalName</code>");
    expect(html).toContain('href="/t/acme/admin/activity?status=failed&amp;reason=email-required"');
    expect(text).not.toContain("No SCIM request yet");

    // The refusal's detail, as Entra got it, reads as text with code set apart, never Markdown.
    const refused = await eventually(async () => {
      const { html } = await page("/", cookie);
      const line = /<dt>Last refused request<\/dt>\s*<dd>([\s\S]*?)<\/dd>/.exec(html)?.[1];
      return line && !line.includes("none") ? line : undefined;
    });
    expect(refused).toContain("<code>userPrincipalName</code>");
    expect(refused).not.toContain("`");
  });

  it("counts read in the right number: 1 request, 2 requests", async () => {
    await tenantDb("acme").prepare("DELETE FROM activity").run();
    const { cookie } = await session();
    const scim = scimClient("acme", (await issueToken("acme")).token);
    expect((await scim.get("/Users?count=1")).status).toBe(200);
    await activityCount(1);
    const one = textOf((await page("/", cookie)).html);
    expect(one).toContain("Last hour 1 request, 0 failed");
    expect(one).not.toMatch(/\b1 requests\b/);
    expect((await scim.get("/Users?count=1")).status).toBe(200);
    await activityCount(2);
    expect(textOf((await page("/", cookie)).html)).toContain("Last hour 2 requests, 0 failed");
  });

  it("filters the Activity page like the JSON API and opens an entry with its fix, modified properties and redacted body", async () => {
    await tenantDb("acme").prepare("DELETE FROM activity").run();
    const { cookie } = await session();
    expect(textOf((await page("/activity", cookie)).html)).toContain(
      "No SCIM request yet Paste the Tenant URL and the Secret Token into Entra",
    );
    const { ok, noEmail } = await entraBurst();
    await activityCount(3);
    const rows = (
      await tenantDb("acme")
        .prepare("SELECT id, method, status FROM activity")
        .all<{ id: string; method: string; status: number }>()
    ).results;
    const failed = rows.find((r) => r.status === 400)!;
    const patched = rows.find((r) => r.method === "PATCH")!;
    const links = (html: string) =>
      [...html.matchAll(/href="\/t\/acme\/admin\/activity\/([0-9a-f-]+)"/g)].map((m) => m[1]);

    const all = await page("/activity", cookie);
    expect(links(all.html).sort()).toEqual(rows.map((r) => r.id).sort());
    const onlyFailed = await page("/activity?status=failed", cookie);
    expect(links(onlyFailed.html)).toEqual([failed.id]);
    expect(textOf(onlyFailed.html)).toContain("User without an email address");
    expect(onlyFailed.html).toMatch(/<option value="failed" selected="">Failed<\/option>/);
    expect(links((await page("/activity?method=PATCH&resource=User", cookie)).html)).toEqual([patched.id]);
    expect(
      links((await page(`/activity?userName=${encodeURIComponent(String(ok.userName))}`, cookie)).html),
    ).toHaveLength(2);
    expect(
      links((await page(`/activity?externalId=${encodeURIComponent(String(noEmail.externalId))}`, cookie)).html),
    ).toEqual([failed.id]);
    expect(links((await page("/activity?status=ok&method=DELETE", cookie)).html)).toEqual([]);
    expect(textOf((await page("/activity?status=ok&method=DELETE", cookie)).html)).toContain(
      "No request matches these filters",
    );
    expect(links((await page("/activity?from=2999-01-01T00:00", cookie)).html)).toEqual([]);

    const refused = await page("/activity?from=yesterday&method=PATCH", cookie);
    expect(refused.status).toBe(400);
    expect(refused.html).toContain(
      '<p class="error" id="from-error" role="alert">Use a date and time, for example 2026-12-01T09:00.</p>',
    );
    expect(refused.html).toContain('value="yesterday"');

    const entry = await page(`/activity/${failed.id}`, cookie);
    expect(entry.status).toBe(200);
    const text = textOf(entry.html);
    expect(text).toContain("POST /Users · 400");
    expect(text).toMatch(/Status 400 scimType invalidValue/);
    expect(text).toContain("User without an email address");
    expect(text).not.toMatch(/\bP\d+\b/);
    expect(text).toContain(
      'Fix: In Entra\'s attribute mappings, map mail or userPrincipalName to emails[type eq "work"].value',
    );
    expect(text).toContain(String(noEmail.userName));
    expect(text).toContain("This request changed no attribute.");
    expect(entry.html).toContain("Request body");

    const patch = textOf((await page(`/activity/${patched.id}`, cookie)).html);
    expect(patch).toContain(`displayName ${ok.displayName} Renamed In Entra`);
    expect(patch).toContain('"value": "Renamed In Entra"');
    expect((await page("/activity/no-such-record", cookie)).status).toBe(404);
  });

  it("shows the timeline of SCIM requests on a user page and on a group page", async () => {
    const { cookie } = await session();
    const { scim, id, ok } = await entraBurst();
    const group = await createGroup(scim, { members: [{ value: id }] });
    const other = await scim.post("/Users", entraUser());
    expect(other.status).toBe(201);
    const ofUser = () =>
      tenantDb("acme")
        .prepare(
          "SELECT id FROM activity WHERE resource_type = 'User' AND (resource_id = ?1 OR user_name = ?2) ORDER BY at DESC, id DESC",
        )
        .bind(id, ok.userName)
        .all<{ id: string }>();
    await eventually(async () => ((await ofUser()).results.length >= 2 ? true : null), 15_000);
    await eventually(
      async () =>
        (await tenantDb("acme").prepare("SELECT 1 FROM activity WHERE resource_id = ?1").bind(group.id).first()) ??
        null,
      15_000,
    );
    const links = (html: string) =>
      [...html.matchAll(/href="\/t\/acme\/admin\/activity\/([0-9a-f-]+)"/g)].map((m) => m[1]);

    const user = await page(`/users/${id}`, cookie);
    expect(user.status).toBe(200);
    expect(textOf(user.html)).toContain("SCIM requests");
    expect(links(user.html)).toEqual((await ofUser()).results.map((r) => r.id));
    expect(links(user.html)).toHaveLength(2);
    expect(textOf(user.html)).toContain("PATCH /Users/");
    expect(user.html).toContain(`href="/t/acme/admin/activity?user=${id}"`);

    const g = await page(`/groups/${group.id}`, cookie);
    expect(g.status).toBe(200);
    const groupLinks = links(g.html);
    expect(groupLinks).toHaveLength(1);
    expect(textOf(g.html)).toContain(`POST /Groups · ${group.displayName}`);
    expect(g.html).toContain(`href="/t/acme/admin/activity?group=${group.id}"`);
    const all = await page(`/activity?group=${group.id}`, cookie);
    expect(links(all.html)).toEqual(groupLinks);
    expect(textOf(all.html)).toContain("Showing the requests of one group only.");
  });
});

describe("admin console: OAuth clients (issue 11)", () => {
  const grant = (id: string, secret: string) =>
    tokenRequest("acme", { form: { grant_type: "client_credentials" }, basic: [id, secret] });

  it("adds a client with its secret shown once, which gets a token, and revokes it after a confirmation naming it", async () => {
    const { cookie, csrf } = await session();
    const name = `Entra ${crypto.randomUUID().slice(0, 8)}`;
    const list = await page("/oauth", cookie);
    expect(list.status).toBe(200);
    expect(list.html).toContain('aria-current="page">OAuth clients</a>');
    expect(list.html).toContain(`value="${ORIGIN}/t/acme/oauth/token"`);

    const added = await post("/oauth/clients", cookie, { _csrf: csrf, name, expiresInDays: "30" });
    expect(added.status).toBe(201);
    expect(added.headers.get("Cache-Control")).toBe("no-store");
    const html = await added.text();
    const clientId = /id="client-id" type="text" readonly="" value="(scimc_[^"]+)"/.exec(html)?.[1] ?? "";
    const secret = /id="client-secret" type="text" readonly="" value="(scimcs_[^"]+)"/.exec(html)?.[1] ?? "";
    expect(clientId).toMatch(/^scimc_/);
    expect(secret).toMatch(/^scimcs_/);
    expect(textOf(html)).toContain("Shown once: copy the client secret now.");
    expect(html).toContain(`value="${ORIGIN}/t/acme/oauth/token"`);

    // A reload of the list never shows the secret again; the client is there with its expiry (30 days).
    const again = await page("/oauth", cookie);
    expect(again.html).not.toContain(secret);
    expect(textOf(again.html)).toContain(name);
    expect(again.html).toContain(clientId);
    const row = await tenantDb("acme")
      .prepare("SELECT created, expires FROM oauth_clients WHERE id = ?1")
      .bind(clientId)
      .first<{ created: string; expires: string }>();
    expect(Date.parse(row!.expires) - Date.parse(row!.created)).toBe(30 * 86_400_000);

    const ok = await grant(clientId, secret);
    expect(ok.status).toBe(200);
    const token = ((await ok.json()) as { access_token: string }).access_token;
    expect((await scimWith("acme", token)).status).toBe(200);

    // Step 1 asks, naming the client, and changes nothing.
    const ask = await post(`/oauth/clients/${clientId}/revoke`, cookie, { _csrf: csrf });
    expect(ask.status).toBe(200);
    expect(textOf(await ask.text())).toContain(`Revoke ${name} ( ${clientId} )?`);
    expect((await grant(clientId, secret)).status).toBe(200);

    const done = await post(`/oauth/clients/${clientId}/revoke`, cookie, { _csrf: csrf, confirm: "yes" });
    expect(done.status).toBe(303);
    expect(done.headers.get("Location")).toBe(`/t/acme/admin/oauth?revoked=${encodeURIComponent(name)}`);
    const refused = await grant(clientId, secret);
    expect(refused.status).toBe(401);
    expect((await oauthError(refused)).error).toBe("invalid_client");
    expect((await scimWith("acme", token)).status).toBe(401);
    expect(textOf((await page("/oauth", cookie)).html)).toMatch(new RegExp(`${name} .*Revoked`));
  });

  it("keeps the input and shows each error beside its field; a refused form adds nothing", async () => {
    const { cookie, csrf } = await session();
    const before = await tenantDb("acme").prepare("SELECT count(*) AS n FROM oauth_clients").first<{ n: number }>();
    const res = await post("/oauth/clients", cookie, { _csrf: csrf, name: "Kept name", expiresInDays: "5000" });
    expect(res.status).toBe(400);
    const html = await res.text();
    expect(html).toMatch(
      /<p class="error" id="expiresInDays-error" role="alert">A whole number of days from 1 to 1095/,
    );
    expect(html).toContain('value="Kept name"');
    expect(html).toContain('value="5000"');
    const after = await tenantDb("acme").prepare("SELECT count(*) AS n FROM oauth_clients").first<{ n: number }>();
    expect(after!.n).toBe(before!.n);

    const fed = await post("/oauth/federations", cookie, {
      _csrf: csrf,
      "fed-name": "Entra WIF",
      issuer: "https://login.microsoftonline.com/x/v2.0",
      subject: "app-object-id",
      audience: "api://scim",
      jwksUrl: "http://example.com/keys",
    });
    expect(fed.status).toBe(400);
    const fedHtml = await fed.text();
    expect(fedHtml).toMatch(/<p class="error" id="jwksUrl-error" role="alert">The JWKS URL must be an https URL/);
    expect(fedHtml).toContain('value="http://example.com/keys"');
    expect(fedHtml).toContain('value="app-object-id"');
  });

  it("adds a federation config and removes it after a confirmation naming it", async () => {
    const { cookie, csrf } = await session();
    const name = `WIF ${crypto.randomUUID().slice(0, 8)}`;
    const subject = crypto.randomUUID();
    const form = {
      _csrf: csrf,
      "fed-name": name,
      issuer: "https://login.microsoftonline.com/contoso/v2.0",
      subject,
      audience: "api://AzureADTokenExchange",
      jwksUrl: "https://login.microsoftonline.com/contoso/discovery/v2.0/keys",
    };
    const added = await post("/oauth/federations", cookie, form);
    expect(added.status).toBe(303);
    expect(textOf((await page("/oauth", cookie)).html)).toContain(`${name} issuer`);
    const dup = await post("/oauth/federations", cookie, { ...form, "fed-name": "Again" });
    expect(dup.status).toBe(409);
    expect(await dup.text()).toMatch(/<p class="error" id="subject-error" role="alert">A federation with this issuer/);

    const { id } = (await tenantDb("acme")
      .prepare("SELECT id FROM oauth_federations WHERE subject = ?1")
      .bind(subject)
      .first<{ id: string }>())!;
    const ask = await post(`/oauth/federations/${id}/remove`, cookie, { _csrf: csrf });
    expect(textOf(await ask.text())).toContain(`Remove ${name} (issuer`);
    const done = await post(`/oauth/federations/${id}/remove`, cookie, { _csrf: csrf, confirm: "yes" });
    expect(done.status).toBe(303);
    const gone = await tenantDb("acme").prepare("SELECT id FROM oauth_federations WHERE id = ?1").bind(id).first();
    expect(gone).toBeNull();
  });
});

describe("admin console: event retention (issue 19)", () => {
  it("saves the days events are kept from the Settings page, and refuses a value out of range beside its field", async () => {
    const { cookie, csrf } = await session();
    const form = { _csrf: csrf, mode: "off", inviteSubject: "Hi", inviteBody: "Body", action: "save" };
    const shown = await (await SELF.fetch(`${base()}/settings`, { headers: { Cookie: cookie } })).text();
    expect(shown).toMatch(/<input id="eventRetentionDays" name="eventRetentionDays" type="number"[^>]*value="\d+"/);
    const refused = await post("/settings", cookie, { ...form, eventRetentionDays: "91" });
    expect(refused.status).toBe(400);
    const html = await refused.text();
    expect(html).toContain('id="eventRetentionDays-error" role="alert">Give a whole number of days from 1 to 90.');
    // Each refused field says what to give, in the admin's words, never the setting's key.
    const blank = await (
      await post("/settings", cookie, { ...form, inviteSubject: "", eventRetentionDays: "7" })
    ).text();
    expect(blank).toContain('id="inviteSubject-error" role="alert">Give a subject of 1 to 200 characters.');
    expect(blank).not.toMatch(/role="alert">\w+: /);
    expect(html).toContain('value="91"');
    const saved = await post("/settings", cookie, { ...form, eventRetentionDays: "14" });
    expect(saved.status).toBe(303);
    const row = await tenantDb("acme")
      .prepare("SELECT value FROM settings WHERE key = 'eventRetentionDays'")
      .first<{ value: string }>();
    expect(row?.value).toBe("14");
    // A form without the field (a page opened before it existed) leaves the stored value.
    expect((await post("/settings", cookie, form)).status).toBe(303);
    expect(
      (
        await tenantDb("acme")
          .prepare("SELECT value FROM settings WHERE key = 'eventRetentionDays'")
          .first<{ value: string }>()
      )?.value,
    ).toBe("14");
  });
});

describe("admin console: add an event endpoint (issue 19)", () => {
  const hooks = async () =>
    (
      await tenantDb("acme").prepare("SELECT id, url, format, events, secret FROM webhooks ORDER BY created").all<{
        id: string;
        url: string;
        format: string;
        events: string | null;
        secret: string | null;
      }>()
    ).results;

  it("refuses a private address beside the URL field and stores nothing; adds one and shows its secret once", async () => {
    const { cookie, csrf } = await session();
    const before = await hooks();
    const refused = await post("/events", cookie, { _csrf: csrf, url: "https://10.1.2.3/in", format: "json" });
    expect(refused.status).toBe(400);
    const html = await refused.text();
    expect(html).toMatch(
      /id="url-error" role="alert">url&#39;s host 10\.1\.2\.3 is a private, loopback or link-local address\./,
    );
    expect(html).toContain('value="https://10.1.2.3/in"');
    expect(await hooks()).toEqual(before);

    const form = new URLSearchParams({ _csrf: csrf, url: "https://hooks.example.com/console", format: "json" });
    form.append("events", "user.created");
    form.append("events", "group.renamed");
    const added = await SELF.fetch(`${base()}/events`, {
      method: "POST",
      redirect: "manual",
      headers: { Cookie: cookie, Origin: ORIGIN, "Content-Type": "application/x-www-form-urlencoded" },
      body: form,
    });
    expect(added.status).toBe(200);
    const shown = await added.text();
    const secret = /id="endpoint-secret" type="text" readonly="" value="(whsec_[^"]+)"/.exec(shown)?.[1];
    expect(secret).toMatch(/^whsec_/);
    const row = (await hooks()).find((h) => h.url === "https://hooks.example.com/console")!;
    expect(row).toMatchObject({ format: "json", events: JSON.stringify(["user.created", "group.renamed"]) });
    // Stored sealed (docs/secrets.md): the row opens to the secret shown, and does not hold it.
    expect(row.secret).not.toContain(secret!.slice(6));
    const sealer = sealerFor((env as { SEAL_KEYS?: string }).SEAL_KEYS, "acme");
    expect(await sealer.open(`webhooks.secret/${row.id}`, row.secret!)).toBe(secret);
    // Shown once: the Events page lists the endpoint, never the secret.
    const listed = await (await SELF.fetch(`${base()}/events`, { headers: { Cookie: cookie } })).text();
    expect(listed).toContain("https://hooks.example.com/console");
    expect(listed).not.toContain(secret!);
    await tenantDb("acme").prepare("DELETE FROM webhooks WHERE url = 'https://hooks.example.com/console'").run();
  });
});
