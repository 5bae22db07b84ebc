/**
 * The operators' fleet view (/fleet/) in a real Chromium against `wrangler dev` with three tenants:
 * one whose Entra requests fail, one healthy, one never connected. Each page at 1280 and 390 px
 * with axe-core; docs/fleet-view.png and docs/fleet-tenant.png are taken here.
 */
import { createHash } from "node:crypto";
import { mkdirSync } from "node:fs";
import path from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { axeViolations, launchChromium } from "./browser.ts";
import { type Blackbox, scimFetch, startBlackbox } from "./harness.ts";

const OPERATOR = "fleet-operator-token-blackbox-0123456789abcdef";
const SUPPORT = "fleet-support-token-blackbox-0123456789abcdef";
const sha = (s: string) => createHash("sha256").update(s).digest("hex");
const DOCS = path.resolve(import.meta.dirname, "../../docs");
const SHOTS = path.join(import.meta.dirname, "screenshots");
const WIDTHS = [1280, 390] as const;
const poll = expect.poll;

let box: Blackbox;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let base: string;

const user = (n: string) => ({
  schemas: ["urn:ietf:params:scim:schemas:core:2.0:User"],
  userName: `${n}@contoso.com`,
  externalId: n,
  active: true,
  displayName: `User ${n}`,
  emails: [{ primary: true, type: "work", value: `${n}@contoso.com` }],
  name: { familyName: "Family", givenName: n },
});

async function apiTenants(): Promise<{ tenants: { tenant: string; state: string; lastHour: { requests: number } }[] }> {
  const res = await fetch(`${box.baseUrl}/fleet/api/tenants`, { headers: { Authorization: `Bearer ${OPERATOR}` } });
  return (await res.json()) as never;
}

async function signIn(p: Page, token: string) {
  await p.goto(`${base}/sign-in`);
  await p.getByLabel("Fleet token").fill(token);
  await p.getByRole("button", { name: "Sign in" }).click();
}

async function checkPage(name: string, url: string, heading: string | RegExp, shot?: string) {
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
    await page.screenshot({ path: path.join(SHOTS, `fleet-${name}-${width}.png`), fullPage: true });
    if (shot && width === 1280) await page.screenshot({ path: path.join(DOCS, shot), fullPage: true });
  }
  await page.setViewportSize({ width: 1280, height: 900 });
}

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  [box, browser] = await Promise.all([
    startBlackbox({
      slug: "contoso",
      otherTenants: 2,
      vars: { FLEET_TOKEN_SHA256: sha(OPERATOR), FLEET_SUPPORT_TOKEN_SHA256: sha(SUPPORT), CELL: "eu-1" },
    }),
    launchChromium(),
  ]);
  base = `${box.baseUrl}/fleet`;
  // contoso: 5 users created, then 25 creates that conflict (Entra's "already exists" failures).
  const create = async (n: string) => {
    const res = await scimFetch(box, "/Users", { method: "POST", body: JSON.stringify(user(n)) });
    return `${res.status} ${res.status >= 500 ? await res.text() : ""}`.trim();
  };
  for (let i = 0; i < 5; i++) expect(await create(`u${i}`)).toBe("201");
  for (let i = 0; i < 25; i++) expect(await create(`u${i % 5}`)).toBe("409");
  // The first other tenant: a healthy cycle of reads and one create.
  const healthy = box.others[0];
  const other = (p: string, init: RequestInit = {}) =>
    fetch(`${box.baseUrl}/t/${healthy.slug}/scim/v2${p}`, {
      ...init,
      headers: { Authorization: `Bearer ${healthy.scimToken}`, "Content-Type": "application/scim+json" },
    });
  expect((await other("/Users", { method: "POST", body: JSON.stringify(user("ok")) })).status).toBe(201);
  for (let i = 0; i < 3; i++) expect((await other("/Users?count=1")).status).toBe(200);
  // The Queue consumer folds the requests into the health row (docs/fleet.md, "Tenant health").
  for (let i = 0; i < 60; i++) {
    const seen = (await apiTenants()).tenants.find((t) => t.tenant === "contoso")?.lastHour.requests;
    if (seen === 30) break;
    await new Promise((r) => setTimeout(r, 500));
  }
  context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  page = await context.newPage();
}, 480_000);

afterAll(async () => {
  await browser?.close();
  await box?.stop();
});

describe("fleet view in a browser", () => {
  it("signs in with the operator token (a wrong one is refused), with a __Host- session cookie", async () => {
    await signIn(page, "not-the-token");
    await poll(() => page.getByRole("alert").first().textContent()).toContain("That token was not accepted.");
    await signIn(page, OPERATOR);
    await poll(() => page.url()).toBe(`${base}/`);
    const cookie = (await context.cookies()).find((c) => c.name === "__Host-fleet");
    expect(cookie).toMatchObject({ httpOnly: true, secure: true, sameSite: "Strict", path: "/" });
    expect(await page.content()).not.toContain(OPERATOR);
  });

  it("lists the cell's tenants with their states, filters them, and opens a tenant's page", async () => {
    await checkPage("list", `${base}/`, "Tenants", "fleet-view.png");
    const rows = page.locator("tbody tr");
    expect(await rows.count()).toBe(3);
    expect(await rows.nth(0).textContent()).toContain("contoso");
    expect(await rows.nth(0).textContent()).toContain("Quarantine risk");
    expect(await page.locator("tbody").textContent()).toContain("Healthy");
    expect(await page.locator("tbody").textContent()).toContain("New");

    await page.getByLabel("State").selectOption("healthy");
    await page.getByRole("button", { name: "Apply" }).click();
    await poll(() => page.locator("tbody tr").count()).toBe(1);
    expect(await page.locator("tbody tr").textContent()).toContain(box.others[0].slug);

    await checkPage("tenant", `${base}/tenants/contoso`, "Tenant contoso", "fleet-tenant.png");
    const main = (await page.locator("main").textContent()) ?? "";
    expect(main).toContain("25 of 30 requests failed in 24 h (83.3%); 4,975 more failures");
    expect(main).toContain("25 of 30 requests failed in the last hour (83.3%).");
    expect(main).toContain("What to do:");
    await page.getByRole("button", { name: "Read the tenant's facts again" }).click();
    await poll(() => page.url()).toBe(`${base}/tenants/contoso`);
  });

  it("a support token reads the same pages without the operator's button", async () => {
    const support = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const p = await support.newPage();
    await signIn(p, SUPPORT);
    await p.goto(`${base}/tenants/contoso`);
    expect(await p.locator("header").textContent()).toContain("Support (read only)");
    expect(await p.getByRole("button", { name: "Read the tenant's facts again" }).count()).toBe(0);
    await support.close();
  });
});
