/**
 * `npm run screenshots`: the README's pictures of the console, taken from a real run. Starts the
 * Worker under `wrangler dev` as the browser test does, fills a demo tenant through the front
 * doors (the sample directory, an Entra-shaped cycle with one refusal, a deleted group, a
 * re-enabled user, event endpoints with a live receiver, an invitation), signs in and saves
 * `docs/console-<page>.png` for every page the navigation links to (found there, so pages
 * added later are taken too), a few detail pages, and a few pages at 390 px.
 *
 * Options: `--out DIR` (default docs/), `--only NAME[,NAME]` (e.g. `--only events,overview`).
 */
import { mkdirSync } from "node:fs";
import { createServer } from "node:http";
import path from "node:path";
import { parseArgs } from "node:util";
import type { Page } from "playwright-core";
import { seedSampleDirectory } from "../../src/cli/sample-data.ts";
import { launchChromium } from "./browser.ts";
import { type Blackbox, PROJECT_ROOT, onLoopback, scimFetch, startBlackbox } from "./harness.ts";

const { values: opts } = parseArgs({
  options: { out: { type: "string", default: path.join(PROJECT_ROOT, "docs") }, only: { type: "string" } },
});
const only = opts.only ? new Set(opts.only.split(",")) : null;
const WIDE = 1280;
const NARROW = 390;
/** Pages also taken at phone width (by name). */
const NARROW_PAGES = ["overview", "users", "events", "connect", "profile"];

const SCIM_USER = "urn:ietf:params:scim:schemas:core:2.0:User";
const PATCH_OP = "urn:ietf:params:scim:api:messages:2.0:PatchOp";

async function api(box: Blackbox, method: string, p: string, body?: unknown) {
  const res = await fetch(`${box.adminApiUrl}${p}`, {
    method,
    headers: { Authorization: `Bearer ${box.adminToken}`, "Content-Type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${method} admin${p} answered ${res.status}: ${(await res.text()).slice(0, 300)}`);
  return res.status === 204 ? null : ((await res.json()) as Record<string, unknown>);
}

async function scim(box: Blackbox, method: string, p: string, body?: unknown) {
  const res = await scimFetch(box, p, { method, body: body === undefined ? undefined : JSON.stringify(body) });
  return { status: res.status, body: res.status === 204 ? null : ((await res.json()) as Record<string, unknown>) };
}

const patchActive = (value: boolean) => ({
  schemas: [PATCH_OP],
  Operations: [{ op: "replace", path: "active", value }],
});

async function until(what: string, check: () => Promise<boolean>, timeoutMs = 30_000) {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`Timed out waiting for ${what}.`);
    await new Promise((r) => setTimeout(r, 300));
  }
}

/** A demo tenant with something on every page, written as Entra and an admin would. */
async function fillDemoTenant(box: Blackbox, receiverUrl: string) {
  // Invitations on first, so each user Entra creates gets one (the Mail page).
  await api(box, "PUT", "/settings", { autoInvite: true });
  await seedSampleDirectory(box);
  await api(box, "POST", "/custom-attributes", { name: "badgeNumber" });
  await api(box, "POST", "/oauth/clients", { name: "Entra ID provisioning" });
  await api(box, "POST", "/webhooks", { url: `${receiverUrl}/events`, format: "json" });
  await api(box, "POST", "/webhooks", { url: `${receiverUrl}/sets`, format: "set", events: ["user.deactivated"] });
  // Entra's cycle: look each user up by userName, create the missing one; one create is refused (no email).
  for (const userName of ["gil.hart@contoso.com", "hana.ito@contoso.com"]) {
    await scim(box, "GET", `/Users?filter=${encodeURIComponent(`userName eq "${userName}"`)}`);
  }
  const gil = await scim(box, "POST", "/Users", {
    schemas: [SCIM_USER],
    userName: "gil.hart@contoso.com",
    externalId: "entra-gil.hart",
    active: true,
    displayName: "Gil Hart",
    name: { givenName: "Gil", familyName: "Hart" },
    emails: [{ value: "gil.hart@contoso.com", type: "work", primary: true }],
  });
  await scim(box, "POST", "/Users", {
    schemas: [SCIM_USER],
    userName: "hana.ito@contoso.com",
    externalId: "entra-hana.ito",
    active: true,
    name: { givenName: "Hana", familyName: "Ito" },
  });
  const id = String(gil.body?.id);
  await scim(box, "GET", `/Users/${id}`);
  // A sample user suspended and re-enabled (the audit log's "disable" and "enable"): the profile shown.
  const found = await scim(box, "GET", `/Users?filter=${encodeURIComponent('userName eq "ann.lee@contoso.com"')}`);
  const ann = String((found.body?.Resources as { id: string }[])[0].id);
  await scim(box, "PATCH", `/Users/${ann}`, patchActive(false));
  await scim(box, "PATCH", `/Users/${ann}`, patchActive(true));
  // Entra deletes a group: its members are suspended and listed under All Users.
  const temp = await scim(box, "POST", "/Groups", {
    schemas: ["urn:ietf:params:scim:schemas:core:2.0:Group"],
    displayName: "Contractors 2026",
    members: [{ value: id }],
  });
  await scim(box, "DELETE", `/Groups/${String(temp.body?.id)}`);
  await until("the activity records", async () => {
    const r = (await api(box, "GET", "/activity?limit=100")) as { entries: unknown[] };
    return r.entries.length >= 8;
  });
  await until("the invitations", async () => {
    const r = (await api(box, "GET", "/mail")) as { mail: unknown[] };
    return r.mail.length > 0;
  });
  return { userId: ann };
}

async function shoot(page: Page, out: string, name: string, url: string, width: number) {
  if (only && !only.has(name)) return;
  await page.setViewportSize({ width, height: 900 });
  const res = await page.goto(url);
  if (!res || res.status() !== 200) {
    console.log(`skipped ${name} at ${width}: ${url} answered ${res?.status()}`);
    return;
  }
  const file = path.join(out, width === WIDE ? `console-${name}.png` : `console-${name}-${width}.png`);
  await page.screenshot({ path: file, fullPage: true });
  console.log(`saved ${path.relative(PROJECT_ROOT, file)}`);
}

/** Every page the navigation links to, named by its path (`/t/x/admin/` is "overview"). */
async function navPages(page: Page, base: string): Promise<[string, string][]> {
  const hrefs = await page.$$eval('nav[aria-label="Console"] a', (as) => as.map((a) => a.getAttribute("href") ?? ""));
  const prefix = new URL(base).pathname;
  return hrefs.map((h) => {
    const rest = h.startsWith(prefix) ? h.slice(prefix.length).replace(/^\/|\/$/g, "") : h;
    return [rest.replace(/\//g, "-") || "overview", new URL(h, base).href];
  });
}

async function main() {
  const out = path.resolve(opts.out);
  mkdirSync(out, { recursive: true });
  // The event receiver: takes every push (a SET with 202, as RFC 8935 asks).
  const server = createServer((req, res) => {
    req.resume();
    req.on("end", () => res.writeHead(req.url === "/sets" ? 202 : 200).end());
  });
  const receiver = onLoopback(server);
  const receiverUrl = await receiver.listen();
  const [box, browser] = await Promise.all([
    startBlackbox({ slug: "demo", vars: { WEBHOOKS_ALLOW_LOOPBACK_HTTP: "1" } }),
    launchChromium(),
  ]);
  try {
    const { userId } = await fillDemoTenant(box, receiverUrl);
    const base = `${box.baseUrl}/t/${box.slug}/admin`;
    const page = await (await browser.newContext({ viewport: { width: WIDE, height: 900 } })).newPage();
    await page.goto(`${base}/sign-in`);
    await page.getByLabel("Admin token").fill(box.adminToken);
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
    await page.waitForURL(`${base}/`);
    const pages = await navPages(page, base);
    const failed = (await api(box, "GET", "/activity?status=failed&limit=1")) as { entries: { id: string }[] };
    const details: [string, string][] = [
      ["profile", `${base}/users/${userId}`],
      ["group", `${base}/groups/all-users`],
      ...(failed.entries[0]
        ? [["activity-entry", `${base}/activity/${failed.entries[0].id}`] as [string, string]]
        : []),
      ["sign-in", `${base}/sign-in`],
    ];
    for (const [name, url] of [...pages, ...details]) {
      if (name === "sign-in") continue; // taken signed out, below
      await shoot(page, out, name, url, WIDE);
      if (NARROW_PAGES.includes(name)) await shoot(page, out, name, url, NARROW);
    }
    // The navigation with its Setup menu open, wide and on a phone.
    if (!only || only.has("navigation")) {
      for (const [width, height, suffix] of [
        [WIDE, 420, ""],
        [NARROW, 640, `-${NARROW}`],
      ] as const) {
        await page.setViewportSize({ width, height });
        await page.goto(`${base}/`);
        await page.locator("nav details.menu summary").click();
        const file = path.join(out, `console-navigation${suffix}.png`);
        await page.screenshot({ path: file });
        console.log(`saved ${path.relative(PROJECT_ROOT, file)}`);
      }
      await page.setViewportSize({ width: WIDE, height: 900 });
    }
    await page.getByRole("button", { name: "Sign out" }).click();
    await shoot(page, out, "sign-in", `${base}/sign-in`, WIDE);
    console.log(`${pages.length} pages in the navigation: ${pages.map(([n]) => n).join(", ")}`);
  } finally {
    await browser.close();
    await box.stop();
    server.closeAllConnections();
    await receiver.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
