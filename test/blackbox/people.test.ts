/**
 * Named admins in a real Chromium against `wrangler dev`, signing in at the development OpenID
 * provider (src/cli/dev-identity.ts, a real oidc-provider on loopback) by its own forms: a setup
 * link makes the first owner, who lands on Connect, makes the SCIM token there and sees Entra's
 * probe tick; the owner invites a viewer by mail; the viewer signs in, reads, and is refused a
 * change with a clear message; the audit log names each person. axe on every page it visits.
 */
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEV_CLIENT_ID, DEV_CLIENT_SECRET, type DevIdentity, startDevIdentity } from "../../src/cli/dev-identity.ts";
import { axeViolations, launchChromium } from "./browser.ts";
import { type Blackbox, startBlackbox } from "./harness.ts";

let box: Blackbox;
let browser: Browser;
let identity: DevIdentity;
let base: string;
const cspViolations: string[] = [];
const TID = crypto.randomUUID();
const owner = { tid: TID, oid: crypto.randomUUID(), email: "olivia.owner@contoso.example", name: "Olivia Owner" };
const viewer = { tid: TID, oid: crypto.randomUUID(), email: "victor.viewer@contoso.example", name: "Victor Viewer" };

beforeAll(async () => {
  identity = await startDevIdentity();
  identity.addAccount(owner);
  identity.addAccount(viewer);
  [box, browser] = await Promise.all([
    startBlackbox({
      vars: {
        MICROSOFT_AUTHORITY: identity.url,
        MICROSOFT_CLIENT_ID: DEV_CLIENT_ID,
        MICROSOFT_CLIENT_SECRET: DEV_CLIENT_SECRET,
        SIGNIN_ALLOW_LOOPBACK_HTTP: "1",
      },
    }),
    launchChromium(),
  ]);
  base = `${box.baseUrl}/t/${box.slug}/admin`;
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await box?.stop();
  await identity?.close();
});

const api = (p: string, init: RequestInit = {}) =>
  fetch(`${box.adminApiUrl}${p}`, {
    ...init,
    headers: { Authorization: `Bearer ${box.adminToken}`, "Content-Type": "application/json", ...init.headers },
  });

async function newPage(): Promise<Page> {
  const page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
  page.on("console", (m) => {
    if (/Content.Security.Policy/i.test(m.text())) cspViolations.push(m.text());
  });
  return page;
}

async function noSeriousViolations(page: Page, label: string) {
  const violations = (await axeViolations(page)).filter((v) => v.impact === "serious" || v.impact === "critical");
  expect(
    violations.map((v) => `${v.id}: ${v.help} ${JSON.stringify(v.nodes.map((n) => n.target))}`),
    label,
  ).toEqual([]);
}

const heading = (page: Page) => page.getByRole("heading", { level: 1 }).textContent();
const poll = <T>(read: () => Promise<T> | T, timeout = 20_000) => expect.poll(read, { timeout, interval: 200 });

/** From the setup page: "Sign in with Microsoft", then the provider's own forms (email, then login). */
async function signInWithMicrosoft(page: Page, person: { email: string }) {
  await page.getByRole("button", { name: "Sign in with Microsoft" }).click();
  const email = page.getByLabel("Email");
  const login = page.locator('input[name="login"]');
  await poll(async () => (await email.count()) + (await login.count())).toBeGreaterThan(0);
  if (await email.count()) {
    await email.fill(person.email);
    await page.getByRole("button", { name: "Next" }).click();
  }
  await login.fill(person.email);
  await page.locator('input[name="password"]').fill("any password");
  await page.locator('button[type="submit"]').click();
}

let ownerPage: Page;

describe("people in a browser", () => {
  it("a setup link makes the first owner, who lands on Connect and sees Entra's probe tick within 5 s", async () => {
    const res = await api("/setup-links", { method: "POST", body: JSON.stringify({ role: "owner" }) });
    expect(res.status).toBe(201);
    const { url } = (await res.json()) as { url: string };
    ownerPage = await newPage();
    await ownerPage.goto(url);
    await poll(() => heading(ownerPage)).toBe("Set up your access");
    expect(await ownerPage.locator("main").textContent()).toContain("an owner");
    await noSeriousViolations(ownerPage, "setup page");
    await signInWithMicrosoft(ownerPage, owner);
    await poll(() => ownerPage.url()).toBe(`${base}/connect`);
    await poll(() => heading(ownerPage)).toBe("Connect Entra ID");

    await ownerPage.getByRole("button", { name: "Replace the SCIM token" }).click();
    const token = await ownerPage.getByLabel("Secret Token", { exact: true }).inputValue();
    expect(token).toMatch(/^scim_/);
    const probed = Date.now();
    const probe = await fetch(`${box.tenantUrl}/Users?filter=userName+eq+%22${crypto.randomUUID()}%22`, {
      headers: { Authorization: `Bearer ${token}` },
    });
    expect(probe.status).toBe(200);
    await poll(() => ownerPage.locator('[data-step="test"] [data-badge]').textContent(), 5_000).toBe("Done");
    console.log(`Test Connection ticked ${Date.now() - probed} ms after the probe`);
    // The link worked once.
    await (await newPage()).goto(url).then(async (r) => expect(r?.status()).toBe(410));
  });

  it("the owner invites a viewer by mail; the viewer signs in, reads, and cannot change anything", async () => {
    await ownerPage.goto(`${base}/admins`);
    await poll(() => heading(ownerPage)).toBe("Admins");
    expect(await ownerPage.locator("main").textContent()).toContain(owner.email);
    await ownerPage.getByLabel("Email").fill(viewer.email);
    await ownerPage.getByLabel("Role", { exact: true }).selectOption("viewer");
    await ownerPage.getByRole("button", { name: "Send invitation" }).click();
    await poll(() => ownerPage.getByRole("status").first().textContent()).toContain(
      `Invitation sent to ${viewer.email}`,
    );
    await noSeriousViolations(ownerPage, "admins page");

    // The invitation mail, as the mail queue stores it (MAILER=outbox).
    const mail = await poll(async () => {
      const { mail } = (await (await api("/mail")).json()) as { mail: { to: string; body: string }[] };
      return mail.find((m) => m.to === viewer.email)?.body ?? "";
    }).toContain("/admin/setup?link=");
    void mail;
    const { mail: rows } = (await (await api("/mail")).json()) as { mail: { to: string; body: string }[] };
    const link = /(http\S+\/admin\/setup\?link=\S+)/.exec(rows.find((m) => m.to === viewer.email)!.body)![1];

    const viewerPage = await newPage();
    await viewerPage.goto(link);
    await poll(() => heading(viewerPage)).toBe("Set up your access");
    expect(await viewerPage.locator("main").textContent()).toContain("a viewer");
    await signInWithMicrosoft(viewerPage, viewer);
    await poll(() => viewerPage.url()).toBe(`${base}/connect`);
    await viewerPage.goto(`${base}/settings`);
    await poll(() => heading(viewerPage)).toBe("Settings");
    const before = await (await api("/settings")).text();
    await viewerPage.getByRole("button", { name: /^Save/ }).first().click();
    await poll(() => viewerPage.getByRole("alert").first().textContent()).toContain(
      "Your role (viewer) lets you read but not change anything.",
    );
    await noSeriousViolations(viewerPage, "viewer refused");
    expect(await (await api("/settings")).text()).toBe(before);
    expect(cspViolations).toEqual([]);
  });

  it("the audit log names each person", async () => {
    // Audit entries arrive through the Queue: wait until both people's entries are in.
    await poll(async () => {
      await ownerPage.goto(`${base}/audit`);
      const text = (await ownerPage.locator("main").textContent()) ?? "";
      return text.includes(owner.name) && text.includes(viewer.name);
    }).toBe(true);
    const text = (await ownerPage.locator("main").textContent()) ?? "";
    expect(text).toContain(owner.name);
    expect(text).toContain(viewer.name);
    await noSeriousViolations(ownerPage, "audit log");
  });

  it("the Admins and API keys pages fit 1280 and 390 px without serious accessibility violations", async () => {
    for (const [path, title] of [
      ["/admins", "Admins"],
      ["/keys", "API keys"],
    ] as const) {
      for (const width of [1280, 390]) {
        await ownerPage.setViewportSize({ width, height: 900 });
        await ownerPage.goto(`${base}${path}`);
        await poll(() => heading(ownerPage)).toBe(title);
        const scrollWidth = await ownerPage.evaluate(() => document.documentElement.scrollWidth);
        expect(scrollWidth, `${path} fits ${width} px`).toBeLessThanOrEqual(width);
        await noSeriousViolations(ownerPage, `${path} at ${width}`);
      }
    }
    // The initial key (today's admin token) is listed by name, never shown.
    expect(await ownerPage.locator("main").textContent()).toContain("initial");
    expect(await ownerPage.content()).not.toContain(box.adminToken);
  });
});
