/**
 * The Connect Entra ID page in a real Chromium against `wrangler dev` with a fresh tenant: the
 * SCIM token created on the page, a scripted Entra Test Connection with it, and the first users
 * and groups, each step ticking without a reload; axe at 1280 and 390 px, with screenshots in
 * test/blackbox/screenshots/ (gitignored). The docs/ pictures of the page come from
 * `npm run screenshots` (test/blackbox/docs-screenshots.ts), with the other pages'.
 */
import { mkdirSync } from "node:fs";
import path from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { axeViolations, launchChromium } from "./browser.ts";
import { type Blackbox, startBlackbox } from "./harness.ts";

const SHOTS = path.join(import.meta.dirname, "screenshots");
let box: Blackbox;
let browser: Browser;
let page: Page;
let base: string;
const cspViolations: string[] = [];

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  [box, browser] = await Promise.all([startBlackbox(), launchChromium()]);
  base = `${box.baseUrl}/t/${box.slug}/admin`;
  page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
  page.on("console", (m) => {
    if (/Content.Security.Policy/i.test(m.text())) cspViolations.push(m.text());
  });
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await box?.stop();
});

/** Entra, scripted: its requests with the token the admin pasted. */
const entra = (token: string, pathAndQuery: string, body?: unknown) =>
  fetch(`${box.tenantUrl}${pathAndQuery}`, {
    method: body === undefined ? "GET" : "POST",
    headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/scim+json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });

const user = (n: number) => ({
  schemas: ["urn:ietf:params:scim:schemas:core:2.0:User"],
  userName: `connect${n}@contoso.com`,
  active: true,
  name: { givenName: "Connect", familyName: `User ${n}` },
  emails: [{ value: `connect${n}@contoso.com`, type: "work", primary: true }],
});

const status = (step: string) => page.locator(`[data-step="${step}"] [data-status]`).textContent();
const badge = (step: string) => page.locator(`[data-step="${step}"] [data-badge]`).textContent();

async function noSeriousViolations(label: string) {
  const violations = (await axeViolations(page)).filter((v) => v.impact === "serious" || v.impact === "critical");
  expect(
    violations.map((v) => `${v.id}: ${v.help} ${JSON.stringify(v.nodes.map((n) => n.target))}`),
    label,
  ).toEqual([]);
}

describe("Connect Entra ID in a browser", () => {
  it("ticks Test Connection within 5 s of Entra's probe with the token made on the page, then the counts, without a reload", async () => {
    await page.goto(`${base}/sign-in`);
    await page.getByLabel("Admin token").fill(box.adminToken);
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
    await expect.poll(() => page.url(), { timeout: 20_000 }).toBe(`${base}/`);
    // Until Entra connects, the Overview sends the admin to the Connect page.
    await page.getByRole("link", { name: "Connect Entra ID" }).first().click();
    await expect.poll(() => page.getByRole("heading", { level: 1 }).textContent()).toBe("Connect Entra ID");
    expect(await badge("test")).toBe("Waiting");
    await noSeriousViolations("before Test Connection");

    // `tenant add` made a token that was shown once; the admin makes a new one here.
    await page.getByRole("button", { name: "Replace the SCIM token" }).click();
    const token = await page.getByLabel("Secret Token", { exact: true }).inputValue();
    expect(token).toMatch(/^scim_[A-Za-z0-9_-]{43}$/);
    expect(await page.getByLabel("Tenant URL", { exact: true }).inputValue()).toBe(box.tenantUrl);
    expect(await status("test")).toBe("Waiting for Entra's Test Connection…");
    // The secret's page takes the page's own address, so a reload cannot post (and replace the token) again.
    await expect.poll(() => page.url()).toBe(`${base}/connect`);
    // A mark that a reload would wipe: the ticks below must come without one.
    await page.evaluate("window.stillThisPage = true");

    const guid = crypto.randomUUID();
    const probed = Date.now();
    expect((await entra(token, `/Users?filter=userName+eq+%22${guid}%22`)).status).toBe(200);
    await expect
      .poll(() => status("test"), { timeout: 5_000, interval: 100 })
      .toMatch(/^Entra's Test Connection arrived at .* with the SCIM token\./);
    console.log(`Test Connection ticked ${Date.now() - probed} ms after the probe`);
    expect(await badge("test")).toBe("Done");
    expect(await page.locator('[data-step="test"]').getAttribute("class")).toContain("done");

    const created = await Promise.all([1, 2].map(async (n) => (await entra(token, "/Users", user(n))).json()));
    const group = await entra(token, "/Groups", {
      schemas: ["urn:ietf:params:scim:schemas:core:2.0:Group"],
      displayName: "Connect testers",
      members: created.map((u) => ({ value: (u as { id: string }).id })),
    });
    expect(group.status).toBe(201);
    await expect
      .poll(() => status("provision"), { timeout: 10_000, interval: 100 })
      .toBe("Provisioning has started: 2 users and 1 group arrived from Entra.");
    expect(await badge("provision")).toBe("Done");
    expect(await page.evaluate("window.stillThisPage")).toBe(true);
    expect(cspViolations).toEqual([]);
    await noSeriousViolations("after the ticks");
  });

  it("shows the same state after a reload and fits 390 px", async () => {
    for (const [width, file] of [
      [1280, "console-connect.png"],
      [390, "console-connect-390.png"],
    ] as const) {
      await page.setViewportSize({ width, height: 900 });
      await page.goto(`${base}/connect`);
      // Entra's latest request is now the group's create, not the probe.
      expect(await status("test")).toMatch(
        /^Entra is connected with the SCIM token: its last request, POST \/Groups, arrived at /,
      );
      expect(await status("provision")).toBe("Provisioning has started: 2 users and 1 group arrived from Entra.");
      // No secret on a page reached by GET.
      expect(await page.locator("#secret-token").count()).toBe(0);
      const scrollWidth = await page.evaluate(() => document.documentElement.scrollWidth);
      expect(scrollWidth, `fits ${width} px without sideways scrolling`).toBeLessThanOrEqual(width);
      await noSeriousViolations(`at ${width}`);
      await page.screenshot({ path: path.join(SHOTS, file), fullPage: true });
    }
    expect(cspViolations).toEqual([]);
  });
});
