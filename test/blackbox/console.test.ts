/**
 * The admin console in a real Chromium against `wrangler dev` with a fresh tenant (issue 9):
 * every page at 1280 and 390 px with an axe-core check and a screenshot
 * (test/blackbox/screenshots/, gitignored), and the admin's flows end to end.
 */
import { mkdirSync, readFileSync } from "node:fs";
import { type IncomingHttpHeaders, createServer } from "node:http";
import path from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedSampleDirectory } from "../../src/cli/sample-data.ts";
import { axeViolations, launchChromium } from "./browser.ts";
import { type Blackbox, freePort, LOOPBACK, onLoopback, scimFetch, startBlackbox } from "./harness.ts";

const SHOTS = path.join(import.meta.dirname, "screenshots");
const WIDTHS = [1280, 390] as const;
const LARGE_GROUP = 130;

let box: Blackbox;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let base: string;
const cspViolations: string[] = [];
const axeReport: Record<string, number> = {};

const admin = (p: string, init: RequestInit = {}) =>
  fetch(`${box.adminApiUrl}${p}`, {
    ...init,
    headers: { Authorization: `Bearer ${box.adminToken}`, "Content-Type": "application/json", ...init.headers },
  });

async function signIn(p: Page, token = box.adminToken) {
  await p.goto(`${base}/sign-in`);
  await p.getByLabel("Admin token").fill(token);
  await p.getByRole("button", { name: "Sign in", exact: true }).click();
}

/** Renders `url` at both widths: no serious or critical axe violation, a screenshot of each. */
async function checkPage(name: string, url: string, heading: string | RegExp) {
  for (const width of WIDTHS) {
    await page.setViewportSize({ width, height: 900 });
    const res = await page.goto(url);
    expect(res?.status(), `${name} at ${width}`).toBe(200);
    await poll(() => page.getByRole("heading", { level: 1 }).textContent()).toMatch(heading);
    const scrollWidth = await page.evaluate(() => document.documentElement.scrollWidth);
    expect(scrollWidth, `${name} fits ${width} px without sideways scrolling`).toBeLessThanOrEqual(width);
    const violations = (await axeViolations(page)).filter((v) => v.impact === "serious" || v.impact === "critical");
    expect(
      violations.map((v) => `${v.id}: ${v.help} ${JSON.stringify(v.nodes.map((n) => n.target))}`),
      `${name} at ${width}`,
    ).toEqual([]);
    axeReport[`${name}@${width}`] = violations.length;
    expect(await midWordBreaks(page), `${name} at ${width}: inline code broken inside a word`).toEqual([]);
    if (width === 1280 && name !== "sign-in") {
      // The bar is one row: Sign out sits level with the brand and the first navigation entry.
      const [brand, first, signOut] = await Promise.all(
        [".top .brand", 'nav[aria-label="Console"] a', ".top .signout button"].map((s) =>
          page.locator(s).first().boundingBox(),
        ),
      );
      expect(Math.abs(signOut!.y + signOut!.height / 2 - (brand!.y + brand!.height / 2)), name).toBeLessThan(6);
      expect(Math.abs(first!.y + first!.height / 2 - (brand!.y + brand!.height / 2)), name).toBeLessThan(6);
      expect((await page.locator("header.top").boundingBox())!.height, name).toBeLessThan(70);
    }
    await page.screenshot({ path: path.join(SHOTS, `console-${name}-${width}.png`), fullPage: true });
  }
  await page.setViewportSize({ width: 1280, height: 900 });
}

/**
 * Inline code broken inside a word: two letters of one word on different lines. Words longer than
 * 40 characters (ids, URLs) may break where they must.
 */
function midWordBreaks(p: Page): Promise<string[]> {
  return p.evaluate(() => {
    const found: string[] = [];
    for (const code of Array.from(document.querySelectorAll("code"))) {
      const node = code.firstChild;
      if (!node || node.nodeType !== Node.TEXT_NODE) continue;
      const text = node.textContent ?? "";
      const top = (i: number) => {
        const r = document.createRange();
        r.setStart(node, i);
        r.setEnd(node, i + 1);
        return r.getBoundingClientRect().top;
      };
      for (const m of text.matchAll(/\S+/g)) {
        if (m[0].length > 40) continue;
        for (let i = m.index + 1; i < m.index + m[0].length; i++)
          if (Math.abs(top(i) - top(i - 1)) > 2) found.push(`${m[0]} (at ${i - m.index})`);
      }
    }
    return found;
  });
}

async function scimUser(userName: string, extra: Record<string, unknown> = {}) {
  const res = await scimFetch(box, "/Users", {
    method: "POST",
    body: JSON.stringify({
      schemas: ["urn:ietf:params:scim:schemas:core:2.0:User"],
      userName,
      active: true,
      displayName: `Test ${userName}`,
      name: { givenName: "Test", familyName: userName.split("@")[0] },
      emails: [{ value: userName, type: "work", primary: true }],
      ...extra,
    }),
  });
  expect(res.status).toBe(201);
  return (await res.json()) as { id: string };
}

/** Pages answer slowly when the machine is busy: wait for what an admin would wait for. */
const poll = <T>(read: () => Promise<T> | T) => expect.poll(read, { timeout: 20_000, interval: 200 });

const patch = (...ops: unknown[]) =>
  JSON.stringify({ schemas: ["urn:ietf:params:scim:api:messages:2.0:PatchOp"], Operations: ops });

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  // Loopback endpoints allowed, as under `npm start`: the events test points one at a closed port.
  [box, browser] = await Promise.all([
    startBlackbox({ vars: { WEBHOOKS_ALLOW_LOOPBACK_HTTP: "1" } }),
    launchChromium(),
  ]);
  base = `${box.baseUrl}/t/${box.slug}/admin`;
  await seedSampleDirectory(box);
  // A group large enough to page through (imported in one request).
  const users = Array.from({ length: LARGE_GROUP }, (_, i) => ({
    source: "local",
    userName: `bulk${String(i).padStart(3, "0")}@contoso.com`,
    name: { givenName: "Bulk", familyName: `User ${i}` },
    emails: [{ value: `bulk${String(i).padStart(3, "0")}@contoso.com`, primary: true }],
  }));
  const imported = await admin("/import", {
    method: "POST",
    body: JSON.stringify({
      users,
      groups: [{ displayName: "Everyone on site", source: "local", members: users.map((u) => u.userName) }],
    }),
  });
  expect(imported.status).toBe(201);
  context = await browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
  page = await context.newPage();
  page.on("console", (m) => {
    if (/Content.Security.Policy/i.test(m.text())) cspViolations.push(m.text());
  });
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await box?.stop();
  console.log(`axe serious/critical violations per page: ${JSON.stringify(axeReport)}`);
});

describe("admin console in a browser", () => {
  it("refuses a wrong token with the generic message, then signs in with the admin token", async () => {
    await signIn(page, `adm_${"x".repeat(43)}`);
    await poll(() => page.getByRole("alert").first().textContent()).toContain(
      "Sign-in failed. Check the admin token and try again.",
    );
    expect(page.url()).toBe(`${base}/sign-in`);
    await signIn(page, box.scimToken);
    await poll(() => page.getByRole("alert").first().textContent()).toContain(
      "Sign-in failed. Check the admin token and try again.",
    );
    expect(await page.content()).not.toContain(box.scimToken);
    await signIn(page);
    expect(page.url()).toBe(`${base}/`);
    const cookie = (await context.cookies()).find((c) => c.name === `__Host-console-${box.slug}`);
    expect(cookie).toMatchObject({ httpOnly: true, secure: true, sameSite: "Strict", path: "/" });
    expect(cookie?.value).not.toContain(box.adminToken);
  });

  it("renders every page of the navigation at 1280 and 390 px without serious accessibility violations", async () => {
    const { users } = (await (await admin("/users?q=ann.lee")).json()) as { users: { id: string }[] };
    await checkPage("sign-in", `${base}/sign-in`, "Sign in");
    await checkPage("overview", `${base}/`, "Overview");
    await checkPage("users", `${base}/users`, "Users");
    await checkPage("user", `${base}/users/${users[0].id}`, "ann.lee@contoso.com");
    await checkPage("groups", `${base}/groups`, "Groups");
    await checkPage("group", `${base}/groups/all-users`, "All Users");
    await checkPage("attributes", `${base}/attributes`, "Custom attributes");
    await checkPage("settings", `${base}/settings`, "Settings");
    await checkPage("token", `${base}/token`, "Token");
    await checkPage("oauth", `${base}/oauth`, "OAuth clients");
    await checkPage("activity", `${base}/activity`, "Activity");
    await checkPage("audit", `${base}/audit`, "Audit log");
    await checkPage("mail", `${base}/mail`, "Mail");
    await checkPage("events", `${base}/events`, "Events");
    // And every other page the navigation links to (pages added later are checked too).
    const checked = new Set(Object.keys(axeReport).map((k) => k.split("@")[0]));
    const linked = await page.$$eval('nav[aria-label="Console"] a', (as) =>
      as.map((a) => a.getAttribute("href") ?? ""),
    );
    for (const href of linked) {
      const name = href.slice(`/t/${box.slug}/admin/`.length).replace(/\//g, "-") || "overview";
      if (!checked.has(name)) await checkPage(name, new URL(href, base).href, /\S/);
    }
    const nav = page.getByRole("navigation", { name: "Console" });
    for (const label of ["Overview", "Users", "Groups", "Activity", "Events", "Audit log", "Mail"]) {
      await poll(() => nav.getByRole("link", { name: label, exact: true }).count()).toBe(1);
    }
    // The set-up pages sit in the Setup menu: opened and closed from the keyboard.
    await page.goto(`${base}/`);
    const setupLinks = ["Token", "OAuth clients", "Custom attributes", "Settings"];
    expect(await nav.getByRole("link", { name: "Settings", exact: true }).isVisible()).toBe(false);
    await nav.locator("summary").focus();
    await page.keyboard.press("Enter");
    for (const label of setupLinks)
      expect(await nav.getByRole("link", { name: label, exact: true }).isVisible()).toBe(true);
    await page.keyboard.press("Tab");
    await page.keyboard.press("Escape");
    expect(await nav.getByRole("link", { name: "Settings", exact: true }).isVisible()).toBe(false);
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe("Setup");
    await page.keyboard.press("Enter");
    await nav.getByRole("link", { name: "Settings", exact: true }).click();
    await poll(() => page.getByRole("heading", { level: 1 }).textContent()).toBe("Settings");
    expect(cspViolations).toEqual([]);
  });

  it("P4 searches and filters users; badges show each source", async () => {
    await page.goto(`${base}/users`);
    await page.getByLabel("Search").fill("casey");
    await page.getByRole("button", { name: "Apply" }).click();
    const rows = page.locator("table.users tbody tr");
    await poll(() => rows.count()).toBe(1);
    expect(await rows.first().textContent()).toContain("casey.ldap@contoso.com");
    expect(await rows.first().textContent()).toContain("LDAP");
    await page.getByLabel("Search").fill("");
    await page.getByLabel("Source").selectOption("local");
    await page.getByLabel("Status").selectOption("active");
    await page.getByRole("button", { name: "Apply" }).click();
    expect(page.url()).toContain("source=local");
    const text = await page.locator("table.users tbody").textContent();
    expect(text).toContain("avery.local@contoso.com");
    expect(text).not.toContain("ann.lee@contoso.com");
    await page.getByLabel("Source").selectOption("");
    await page.getByLabel("Status").selectOption("suspended");
    await page.getByRole("button", { name: "Apply" }).click();
    await poll(() => rows.count()).toBe(1);
    expect(await rows.first().textContent()).toContain("fay.gold@contoso.com");
  });

  it("P18 opens a provisioned user's profile; a custom attribute defined here shows after a SCIM PATCH", async () => {
    const u = await scimUser("grace.hall@contoso.com", {
      "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": { department: "Finance" },
      schemas: [
        "urn:ietf:params:scim:schemas:core:2.0:User",
        "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User",
      ],
    });
    const g = await scimFetch(box, "/Groups", {
      method: "POST",
      body: JSON.stringify({
        schemas: ["urn:ietf:params:scim:schemas:core:2.0:Group"],
        displayName: "Finance",
        members: [{ value: u.id }],
      }),
    });
    expect(g.status).toBe(201);
    await page.goto(`${base}/attributes`);
    await page.getByLabel("Name").fill("bad name!");
    await page.getByRole("button", { name: "Add attribute" }).click();
    expect(await page.locator("#name-error").textContent()).toContain("letters, digits");
    expect(await page.getByLabel("Name").inputValue()).toBe("bad name!");
    await page.getByLabel("Name").fill("badgeNumber");
    await page.getByRole("button", { name: "Add attribute" }).click();
    await poll(() => page.getByRole("status").first().textContent()).toContain("Added badgeNumber");
    const res = await scimFetch(box, `/Users/${u.id}`, {
      method: "PATCH",
      body: patch({
        op: "add",
        path: "urn:ietf:params:scim:schemas:extension:ivanti:2.0:User:badgeNumber",
        value: "B-7731",
      }),
    });
    expect(res.status).toBeLessThan(300);
    await page.goto(`${base}/users?q=grace.hall`);
    await page.getByRole("link", { name: "grace.hall@contoso.com" }).click();
    const custom = await page
      .locator("section", { has: page.getByRole("heading", { name: "Custom", exact: true }) })
      .textContent();
    expect(custom).toContain("badgeNumber");
    expect(custom).toContain("B-7731");
    expect(
      await page.locator("section", { has: page.getByRole("heading", { name: "Enterprise" }) }).textContent(),
    ).toContain("Finance");
    expect(
      await page.locator("section", { has: page.getByRole("heading", { name: "Groups" }) }).textContent(),
    ).toContain("Finance");
  });

  it("P19 P20 refuses an unknown variable beside its field, then turns auto-invite on and shows the rendered invitation", async () => {
    await page.goto(`${base}/settings`);
    await page.getByLabel("Subject").fill("Hi ${nickname}");
    await page.getByRole("button", { name: "Save settings" }).click();
    expect(await page.locator("#inviteSubject-error").textContent()).toBe(
      "inviteSubject uses unknown variables: ${nickname}.",
    );
    expect(await page.getByLabel("Subject").inputValue()).toBe("Hi ${nickname}");
    await page.getByLabel("Subject").fill("Welcome ${givenName}, badge ${badgeNumber}");
    await page.getByLabel("Render for user (userName)").fill("grace.hall@contoso.com");
    await page.getByRole("button", { name: "Preview without saving" }).click();
    await poll(() => page.locator("#preview").textContent()).toContain("Welcome Test, badge B-7731");
    // Live: typing alone renders the preview again (app.js posts the form), no button pressed.
    await page.getByLabel("Subject").fill("");
    await page.getByLabel("Subject").pressSequentially("Live ${givenName}");
    await poll(() => page.locator("#preview").textContent()).toContain("Live Test");
    expect(page.url()).toBe(`${base}/settings`);
    await page.getByLabel("Subject").fill("Welcome ${givenName}, badge ${badgeNumber}");
    await poll(() => page.locator("#preview").textContent()).toContain("Welcome Test, badge B-7731");
    await page.getByLabel("Invite new users automatically").check();
    await page.getByRole("button", { name: "Save settings" }).click();
    await poll(() => page.getByRole("status").first().textContent()).toContain("Settings saved");
    expect(await page.getByLabel("Invite new users automatically").isChecked()).toBe(true);
    await scimUser("henry.ives@contoso.com");
    await expect
      .poll(async () => (await page.goto(`${base}/mail`), await page.locator("main").textContent()), {
        timeout: 20_000,
        interval: 500,
      })
      .toContain("henry.ives@contoso.com · Welcome Test, badge");
  });

  it("P2 generates a new SCIM token, shown once; the old one is refused over SCIM at once", async () => {
    const old = box.scimToken;
    await page.goto(`${base}/token`);
    await page.getByRole("button", { name: "Generate a new SCIM token" }).click();
    const token = await page.getByLabel("Secret Token", { exact: true }).inputValue();
    expect(token).toMatch(/^scim_/);
    expect(page.url()).not.toContain(token);
    expect((await scimFetch(box, "/Users?count=1", { headers: { authorization: `Bearer ${old}` } })).status).toBe(401);
    box.scimToken = token;
    expect((await scimFetch(box, "/Users?count=1")).status).toBe(200);
    await page.goto(`${base}/token`);
    expect(await page.content()).not.toContain(token);
  });

  it("P9 hard-deletes a suspended user after a confirmation that names it", async () => {
    const u = await scimUser("ivy.jones@contoso.com");
    await scimFetch(box, `/Users/${u.id}`, {
      method: "PATCH",
      body: patch({ op: "replace", path: "active", value: false }),
    });
    await page.goto(`${base}/users?q=ivy.jones&status=suspended`);
    const deleteSelected = page.getByRole("button", { name: "Delete selected for good…" });
    expect(await deleteSelected.isVisible()).toBe(false);
    await page.getByLabel("Select ivy.jones@contoso.com").check();
    expect(await deleteSelected.isVisible()).toBe(true);
    await page.getByRole("button", { name: "Delete selected for good…" }).click();
    expect(await page.locator("ul.names").textContent()).toContain("ivy.jones@contoso.com");
    await page.getByRole("button", { name: "Delete ivy.jones@contoso.com for good" }).click();
    await poll(() => page.getByRole("status").first().textContent()).toContain("1 user was deleted for good");
    expect((await scimFetch(box, `/Users/${u.id}`)).status).toBe(404);
  });

  it("P13 pages through a large group a page at a time", async () => {
    await page.goto(`${base}/groups`);
    await page.getByRole("link", { name: "Everyone on site" }).click();
    expect(await page.locator("main .lead").textContent()).toContain(`${LARGE_GROUP} members`);
    const rows = page.locator("table tbody tr");
    await poll(() => rows.count()).toBe(50);
    expect(await rows.first().textContent()).toContain("bulk000@contoso.com");
    await page.getByRole("link", { name: "Next →" }).click();
    expect(await rows.first().textContent()).toContain("bulk050@contoso.com");
    expect(await page.locator(".pager-info").textContent()).toBe(`51-100 of ${LARGE_GROUP}`);
    await page.getByRole("link", { name: "Next →" }).click();
    await poll(() => rows.count()).toBe(LARGE_GROUP - 100);
  });

  it("P5 after an Entra-shaped cycle with one failure, Activity filtered to failures opens the request with its fix", async () => {
    const eq = (v: string) => `?filter=${encodeURIComponent(`userName eq "${v}"`)}`;
    // Entra looks each user up by its matching attribute before creating it.
    for (const userName of ["kim.lane@contoso.com", "lee.moss@contoso.com"]) {
      expect((await scimFetch(box, `/Users${eq(userName)}`)).status).toBe(200);
      if (userName.startsWith("kim")) await scimUser(userName);
    }
    const noEmail = await scimFetch(box, "/Users", {
      method: "POST",
      body: JSON.stringify({
        schemas: ["urn:ietf:params:scim:schemas:core:2.0:User"],
        userName: "lee.moss@contoso.com",
        externalId: "lee-1",
        active: true,
        name: { givenName: "Lee", familyName: "Moss" },
      }),
    });
    expect(noEmail.status).toBe(400);
    // Records reach D1 through the Queue's consumer a moment later: the admin reloads the Overview.
    await expect
      .poll(
        async () => (
          await page.goto(`${base}/`),
          await page
            .locator("section", { has: page.getByRole("heading", { name: "Provisioning health" }) })
            .textContent()
        ),
        {
          timeout: 30_000,
          interval: 500,
        },
      )
      .toContain("User without an email address");
    await checkPage("overview-failing", `${base}/`, "Overview");
    await page.getByRole("link", { name: "Activity", exact: true }).click();
    await page.getByLabel("Status").selectOption("failed");
    await page.getByLabel("User name").fill("lee.moss@contoso.com");
    await page.getByRole("button", { name: "Apply" }).click();
    expect(page.url()).toContain("status=failed");
    const entries = page.locator("ol.timeline a.entry-link");
    await poll(() => entries.count()).toBe(1);
    expect(await entries.first().textContent()).toContain("User without an email address");
    await entries.first().focus();
    await page.keyboard.press("Enter");
    await poll(() => page.getByRole("heading", { level: 1 }).textContent()).toBe("POST /Users · 400");
    const fix = await page.locator(".notice").first().textContent();
    expect(fix).toContain('map mail or userPrincipalName to emails[type eq "work"].value');
    expect(await page.locator("main").textContent()).toContain("lee.moss@contoso.com");
    expect(await page.locator("main pre").textContent()).not.toContain(box.scimToken);
    await checkPage("activity-entry", page.url(), "POST /Users · 400");
  });

  it("P23 filters the audit log, expands an entry, and exports it as CSV and JSON", async () => {
    await page.goto(`${base}/audit`);
    await page.getByLabel("Action").selectOption("token");
    await page.getByRole("button", { name: "Apply" }).click();
    const entries = page.locator("ol.timeline details");
    await poll(() => entries.count()).toBeGreaterThan(0);
    await entries.first().locator("summary").click();
    expect(await entries.first().locator("pre").textContent()).toContain('"scope": "scim"');
    const [csv] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: "CSV" }).click()]);
    const csvText = readFileSync((await csv.path())!, "utf8");
    expect(csvText.split("\r\n")[0]).toBe("at,actor,action,resourceType,resourceId,detail");
    // The token was rotated through a console session opened with the admin token: the key is named.
    expect(csvText).toMatch(/"key:[0-9a-f-]{36}","token","Tenant"/);
    const [json] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: "JSON" }).click()]);
    const body = JSON.parse(readFileSync((await json.path())!, "utf8")) as { entries: { action: string }[] };
    expect(body.entries.length).toBeGreaterThan(0);
    expect(body.entries.every((e) => e.action === "token")).toBe(true);
    await page.getByLabel("From (UTC)").fill("2999-01-01T00:00");
    await page.getByRole("button", { name: "Apply" }).click();
    await poll(() => page.locator("main").textContent()).toContain("Nothing matches these filters");
  });

  it("refuses a form posted from another origin (CSRF)", async () => {
    const cookie = (await context.cookies()).find((c) => c.name === `__Host-console-${box.slug}`)!;
    const csrf = await page.locator('input[name="_csrf"]').first().inputValue();
    const before = box.scimToken;
    const forged = await fetch(`${base}/token`, {
      method: "POST",
      redirect: "manual",
      headers: {
        Cookie: `${cookie.name}=${cookie.value}`,
        Origin: "https://evil.example",
        "Content-Type": "application/x-www-form-urlencoded",
      },
      body: new URLSearchParams({ _csrf: csrf }),
    });
    expect(forged.status).toBe(403);
    // Same origin but without the session's CSRF token: refused too.
    const noToken = await fetch(`${base}/token`, {
      method: "POST",
      redirect: "manual",
      headers: {
        Cookie: `${cookie.name}=${cookie.value}`,
        Origin: box.baseUrl,
        "Content-Type": "application/x-www-form-urlencoded",
      },
      body: new URLSearchParams({}),
    });
    expect(noToken.status).toBe(403);
    // A page of another origin submitting a form in the browser: no session cookie goes with it.
    const evil = await context.newPage();
    await evil.route("http://evil.test/", (r) =>
      r.fulfill({
        contentType: "text/html",
        body: `<form id="f" method="post" action="${base}/token"><input name="_csrf" value="${csrf}"></form><script>document.getElementById("f").submit()</script>`,
      }),
    );
    await evil.goto("http://evil.test/");
    await evil.waitForLoadState("load");
    expect(await evil.locator("h1").textContent()).not.toBe("Token");
    await evil.close();
    expect((await scimFetch(box, "/Users?count=1", { headers: { authorization: `Bearer ${before}` } })).status).toBe(
      200,
    );
  });

  it("issue 19: an endpoint added with the Events form that fails shows on Events and the Overview with since when, the last error and what to do", async () => {
    const closed = await freePort(); // nothing listens there: every push fails
    const url = `http://${LOOPBACK}:${closed}/hook`;
    // Added with the Events page's form: the secret is shown once.
    await page.goto(`${base}/events`);
    await page.getByLabel("URL", { exact: true }).fill(url);
    await page.getByLabel("user.created").check();
    await page.getByRole("button", { name: "Add endpoint" }).click();
    await poll(() => page.getByRole("heading", { name: /Endpoint added/ }).count()).toBe(1);
    expect(await page.locator("#endpoint-secret").inputValue()).toMatch(/^whsec_/);
    const { webhooks } = (await (await admin("/webhooks")).json()) as { webhooks: { id: string; url: string }[] };
    const id = webhooks.find((w) => w.url === url)!.id;
    await scimUser("evt.fail@contoso.com");
    await poll(async () => {
      const h = (await (await admin("/health")).json()) as { eventEndpoints: { failing: { id: string }[] } };
      return h.eventEndpoints.failing.some((f) => f.id === id);
    }).toBe(true);
    await checkPage("events-failing", `${base}/events`, "Events");
    const card = page.getByRole("region", { name: "Event endpoints failing" });
    await poll(() => card.textContent()).toContain("failing since");
    expect(await card.textContent()).toContain("connection failed");
    expect(await card.textContent()).toContain("send a test event");
    await checkPage("overview-failing", `${base}/`, "Overview");
    await poll(() => page.getByRole("region", { name: "Event endpoints failing" }).textContent()).toContain(
      `${LOOPBACK}:${closed}/hook`,
    );
    expect((await admin(`/webhooks/${id}`, { method: "DELETE" })).status).toBe(204);
  });

  it("the Events page's actions: a test event with its answer, a poll token shown once and revoked, a key rotation, a delete after asking", async () => {
    const pushes: IncomingHttpHeaders[] = [];
    const server = createServer((req, res) => {
      pushes.push(req.headers);
      req.resume();
      req.on("end", () => res.writeHead(200).end());
    });
    const receiver = onLoopback(server);
    const url = `${await receiver.listen()}/hook`;
    try {
      await page.goto(`${base}/events`);
      expect(await page.locator("main").textContent()).toContain("on this local run (npm start) also http://127.0.0.1");
      await page.getByLabel("URL", { exact: true }).fill(url);
      await page.getByRole("button", { name: "Add endpoint" }).click();
      await poll(() => page.getByRole("heading", { name: /Endpoint added/ }).count()).toBe(1);
      const card = () => page.getByRole("region", { name: url, exact: true });
      await card().getByRole("button", { name: "Send a test event" }).click();
      await poll(() => page.getByRole("status").first().textContent()).toMatch(
        new RegExp(`Test event delivered to ${url}: answered 200 in \\d+ ms\\.`),
      );
      expect(pushes.some((h) => typeof h["webhook-id"] === "string" && h["webhook-id"].startsWith("test-"))).toBe(true);
      expect(await card().textContent()).toMatch(/test event · 200 · \d+ ms/);
      await checkPage("events-actions", `${base}/events`, "Events");

      await card().getByRole("button", { name: "Issue a poll token" }).click();
      const token = await page.getByLabel("Poll token", { exact: true }).inputValue();
      expect(token.length).toBeGreaterThan(20);
      const pollWith = (t: string) =>
        fetch(`${box.baseUrl}/t/${box.slug}/events/poll`, {
          method: "POST",
          headers: { Authorization: `Bearer ${t}`, "Content-Type": "application/json" },
          body: JSON.stringify({ maxEvents: 1, returnImmediately: true }),
        });
      expect((await pollWith(token)).status).toBe(200);
      await page.goto(`${base}/events`);
      expect(await page.content()).not.toContain(token);
      await card()
        .getByRole("button", { name: /^Revoke poll token/ })
        .click();
      await page.getByRole("button", { name: "Revoke the poll token" }).click();
      await poll(() => page.getByRole("status").first().textContent()).toContain("revoked");
      expect((await pollWith(token)).status).toBe(401);

      const set = await admin("/webhooks", {
        method: "POST",
        body: JSON.stringify({ url: `${url}/set`, format: "set" }),
      });
      expect(set.status).toBe(201);
      await page.goto(`${base}/events`);
      expect(await page.getByRole("region", { name: "Signing keys" }).textContent()).toContain(
        "SET (Security Event Token)",
      );
      await page.getByRole("button", { name: "Rotate the signing key" }).click();
      await poll(() => page.getByRole("status").first().textContent()).toContain("Signing key rotated");

      await card().getByRole("button", { name: "Delete…" }).click();
      expect(await page.locator("main").textContent()).toContain(`Delete ${url}?`);
      await page.getByRole("button", { name: "Delete the endpoint" }).click();
      await poll(() => page.getByRole("status").first().textContent()).toContain(`Endpoint ${url} deleted`);
      expect(await card().count()).toBe(0);
      const { webhooks } = (await (await admin("/webhooks")).json()) as { webhooks: { id: string; url: string }[] };
      expect(webhooks.some((w) => w.url === url)).toBe(false);
      for (const w of webhooks) expect((await admin(`/webhooks/${w.id}`, { method: "DELETE" })).status).toBe(204);
    } finally {
      server.closeAllConnections();
      await receiver.close();
    }
  });

  it("signs out: the old session cookie no longer opens anything", async () => {
    const cookie = (await context.cookies()).find((c) => c.name === `__Host-console-${box.slug}`)!;
    await page.goto(`${base}/`);
    await page.getByRole("button", { name: "Sign out" }).click();
    expect(page.url()).toBe(`${base}/sign-in`);
    expect((await context.cookies()).some((c) => c.name === cookie.name)).toBe(false);
    const res = await fetch(`${base}/users`, {
      redirect: "manual",
      headers: { Cookie: `${cookie.name}=${cookie.value}` },
    });
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe(`/t/${box.slug}/admin/sign-in`);
  });
});
