/**
 * The Roles page and a user's roles in a real Chromium against `wrangler dev` (docs/roles.md):
 * a mapping made on the page, its preview, the save and the background recompute, the roles in
 * the users list and on the profile with why; axe at 1280 and 390 px; the screenshots of
 * docs/roles.md (docs/console-roles*.png, docs/console-user-roles*.png).
 */
import path from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { axeViolations, launchChromium } from "./browser.ts";
import { type Blackbox, PROJECT_ROOT, scimFetch, startBlackbox } from "./harness.ts";

let box: Blackbox;
let browser: Browser;
let page: Page;
let base: string;
const cspViolations: string[] = [];

beforeAll(async () => {
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

async function scim(method: string, p: string, body?: unknown) {
  const res = await scimFetch(box, p, { method, body: body === undefined ? undefined : JSON.stringify(body) });
  if (res.status >= 300) throw new Error(`${method} ${p}: ${res.status} ${await res.text()}`);
  return res.status === 204 ? null : ((await res.json()) as Record<string, any>);
}

const user = (n: string, extra: Record<string, unknown> = {}) => ({
  schemas: ["urn:ietf:params:scim:schemas:core:2.0:User"],
  userName: `${n}@contoso.com`,
  active: true,
  displayName: n.replace(/\./g, " "),
  name: { givenName: n.split(".")[0], familyName: n.split(".")[1] ?? "User" },
  emails: [{ value: `${n}@contoso.com`, type: "work", primary: true }],
  ...extra,
});

async function axeClean(label: string) {
  const violations = await axeViolations(page);
  expect(
    violations.map((v) => `${v.impact} ${v.id}: ${v.help} ${JSON.stringify(v.nodes.map((n) => n.target))}`),
    label,
  ).toEqual([]);
}

const shot = (name: string) => page.screenshot({ path: path.join(PROJECT_ROOT, "docs", name), fullPage: true });

describe("Roles in a browser", () => {
  it("maps groups and an app role on the page, previews, saves, and shows each user's roles with why", async () => {
    const admins = (await scim("POST", "/Groups", {
      schemas: ["urn:ietf:params:scim:schemas:core:2.0:Group"],
      displayName: "IT Admins",
    }))!;
    const kiosks = (await scim("POST", "/Groups", {
      schemas: ["urn:ietf:params:scim:schemas:core:2.0:Group"],
      displayName: "Kiosk Staff",
    }))!;
    const ada = (await scim("POST", "/Users", user("ada.lovelace")))!;
    const kiosk = [];
    for (const n of ["ken.kiosk", "kim.kiosk", "kai.kiosk"]) kiosk.push((await scim("POST", "/Users", user(n)))!);
    const help = (await scim(
      "POST",
      "/Users",
      user("hal.helpdesk", { roles: [{ primary: "True", value: "MDM.Helpdesk" }] }),
    ))!;
    await scim("POST", "/Users", user("sam.standard"));
    const add = (g: Record<string, any>, ids: string[]) =>
      scim("PATCH", `/Groups/${g.id}`, {
        schemas: ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
        Operations: [{ op: "add", path: "members", value: ids.map((value) => ({ value })) }],
      });
    await add(admins, [ada.id]);
    await add(kiosks, [...kiosk.map((u) => u.id), ada.id]);

    await page.goto(`${base}/sign-in`);
    await page.getByLabel("Admin token").fill(box.adminToken);
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
    await expect.poll(() => page.url(), { timeout: 20_000 }).toBe(`${base}/`);
    await page.goto(`${base}/roles`);
    await expect.poll(() => page.getByRole("heading", { level: 1 }).textContent()).toBe("Roles");
    await axeClean("empty Roles page");

    for (const id of ["device-admin", "helpdesk", "standard", "kiosk"]) await page.locator(`#use-${id}`).check();
    await page.getByLabel("Label for Device administrator").fill("MDM administrators");
    await page.locator('input[name="contains.device-admin"][value="helpdesk"]').check();
    await page.getByLabel("Standard user is the default role").check();
    const rule = async (i: number, precedence: string, kind: string, match: string, role: string) => {
      await page.getByLabel(`Rule ${i} precedence`).fill(precedence);
      await page.getByLabel(`Rule ${i} kind`).selectOption(kind);
      await page.getByLabel(`Rule ${i} group or app role`).fill(match);
      await page.getByLabel(`Rule ${i} role`).selectOption(role);
    };
    await rule(1, "1", "group", "IT Admins", "device-admin");
    await rule(2, "2", "group", "Kiosk Staff", "kiosk");
    await rule(3, "3", "appRole", "MDM.Helpdesk", "helpdesk");
    await page.getByRole("button", { name: "Preview changes" }).click();
    await expect.poll(() => page.getByRole("heading", { name: "Preview: not saved yet" }).count()).toBe(1);
    const previewRow = async (role: string) =>
      (await page.locator("#preview ~ * tr, #preview + p + table tr").filter({ hasText: role }).first().innerText())
        .split(/\s+/)
        .slice(-3);
    // Kiosk Staff's 4 members gain kiosk; ada (IT Admins) and hal (app role) gain helpdesk: hal's own, ada's contained.
    expect(await previewRow("Kiosk user")).toEqual(["4", "0", "4"]);
    expect(await previewRow("Help desk")).toEqual(["2", "0", "2"]);
    expect(await previewRow("Standard user")).toEqual(["1", "0", "1"]);
    await axeClean("Roles page with a preview");

    await page.getByRole("button", { name: "Save mapping" }).click();
    await expect.poll(() => page.getByText("Mapping saved").count()).toBe(1);
    await expect
      .poll(() => page.locator("[data-progress-text]").textContent(), { timeout: 60_000, interval: 1000 })
      .toBe("Every user's roles are up to date.");
    await page.reload();
    await axeClean("Roles page saved, 1280 px");
    await shot("console-roles.png");
    await page.setViewportSize({ width: 390, height: 844 });
    await axeClean("Roles page saved, 390 px");
    await shot("console-roles-390.png");

    await page.setViewportSize({ width: 1280, height: 900 });
    await page.goto(`${base}/users`);
    const adaRow = page.locator("tr").filter({ hasText: "ada.lovelace@contoso.com" });
    expect(await adaRow.locator(".roles-cell").innerText()).toMatch(/MDM administrators.*Help desk.*Kiosk user/s);
    await axeClean("users list with roles");
    await page.goto(`${base}/users/${ada.id}`);
    const roles = page.locator("section").filter({ has: page.getByRole("heading", { name: "Roles", exact: true }) });
    const text = await roles.innerText();
    expect(text).toContain("MDM administrators");
    expect(text).toContain("from group IT Admins (rule 1)");
    expect(text).toContain("the role MDM administrators, which contains it");
    expect(text).toContain("from group Kiosk Staff (rule 2)");
    await axeClean("profile with roles, 1280 px");
    await roles.screenshot({ path: path.join(PROJECT_ROOT, "docs", "console-user-roles.png") });
    await page.setViewportSize({ width: 390, height: 844 });
    await axeClean("profile with roles, 390 px");
    await roles.screenshot({ path: path.join(PROJECT_ROOT, "docs", "console-user-roles-390.png") });
    await page.goto(`${base}/users/${help.id}`);
    expect(
      await page
        .locator("section")
        .filter({ has: page.getByRole("heading", { name: "Roles", exact: true }) })
        .innerText(),
    ).toContain("from app role MDM.Helpdesk (rule 3)");
    expect(cspViolations).toEqual([]);
  });

  it("a refused mapping shows why on the page and saves nothing", async () => {
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.goto(`${base}/roles`);
    await page.getByLabel("Rule 4 precedence").fill("1");
    await page.getByLabel("Rule 4 group or app role").fill("No Such Group");
    await page.getByRole("button", { name: "Save mapping" }).click();
    await expect.poll(() => page.locator(".notice").first().textContent()).toMatch(/Two rules have precedence 1/);
    await axeClean("refused mapping");
    await page.goto(`${base}/roles`);
    expect(await page.getByLabel("Rule 4 group or app role").inputValue()).toBe("");
  });
});
