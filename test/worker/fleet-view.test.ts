import { describe, expect, it } from "vitest";
import { sha256Hex } from "../../src/tenants/tokens";
import { ORIGIN } from "./helpers";
import { fetchWorker } from "./instrumented";

const OPERATOR = "fleet-operator-token-for-view-tests-0123456";
const SUPPORT = "fleet-support-token-for-view-tests-7890123";

async function page(method: string, path: string, init: { cookie?: string; form?: Record<string, string> } = {}) {
  const headers: Record<string, string> = { Origin: ORIGIN };
  if (init.cookie) headers.Cookie = init.cookie;
  if (init.form) headers["Content-Type"] = "application/x-www-form-urlencoded";
  return fetchWorker(
    new Request(`${ORIGIN}/fleet${path}`, {
      method,
      headers,
      body: init.form ? new URLSearchParams(init.form).toString() : undefined,
      redirect: "manual",
    }),
    { FLEET_TOKEN_SHA256: await sha256Hex(OPERATOR), FLEET_SUPPORT_TOKEN_SHA256: await sha256Hex(SUPPORT) },
  );
}

async function signIn(token: string): Promise<string> {
  const res = await page("POST", "/sign-in", { form: { token } });
  expect(res.status).toBe(303);
  const set = res.headers.get("Set-Cookie") ?? "";
  expect(set).toMatch(/^__Host-fleet=[A-Za-z0-9_-]{43}; .*Path=\/; .*HttpOnly; Secure; SameSite=Strict/);
  return set.split(";")[0];
}
const csrfIn = (html: string) => /name="_csrf" value="([0-9a-f]{64})"/.exec(html)?.[1] ?? "";

describe("the fleet view", () => {
  it("sends a visitor without a session to sign-in, and refuses a wrong token with nothing set", async () => {
    const res = await page("GET", "/");
    expect(res.status).toBe(303);
    expect(res.headers.get("Location")).toBe("/fleet/sign-in");
    const form = await page("GET", "/sign-in");
    expect(form.headers.get("Content-Security-Policy")).toContain("script-src 'self'");
    expect(await form.text()).toContain("Fleet token");
    const bad = await page("POST", "/sign-in", { form: { token: "wrong" } });
    expect(bad.status).toBe(401);
    expect(bad.headers.get("Set-Cookie")).toBeNull();
    expect(await bad.text()).toContain("That token was not accepted.");
    expect((await page("GET", "/", { cookie: "__Host-fleet=" + "a".repeat(43) })).status).toBe(303);
  });

  it("lists the cell's tenants with their states and shows a tenant page; bad filters are a clear 400", async () => {
    const cookie = await signIn(OPERATOR);
    const list = await page("GET", "/?sort=tenant", { cookie });
    expect(list.status).toBe(200);
    const html = await list.text();
    for (const t of ["acme", "globex", "initech"]) expect(html).toContain(`href="/fleet/tenants/${t}"`);
    expect(html).toContain("Operator");
    const one = await (await page("GET", "/tenants/acme", { cookie })).text();
    expect(one).toContain("Tenant acme");
    expect(one).toContain("What to do:");
    expect(one).toContain("Read the tenant&#39;s facts again");
    const bad = await page("GET", "/?state=gone", { cookie });
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain("&quot;state&quot; must be one of");
    expect((await page("GET", "/tenants/nobody", { cookie })).status).toBe(404);
  });

  it("an operator refreshes with the CSRF token only; support sees no refresh and cannot post one", async () => {
    const cookie = await signIn(OPERATOR);
    const csrf = csrfIn(await (await page("GET", "/tenants/acme", { cookie })).text());
    expect((await page("POST", "/tenants/acme/refresh", { cookie, form: { _csrf: "x".repeat(64) } })).status).toBe(403);
    const ok = await page("POST", "/tenants/acme/refresh", { cookie, form: { _csrf: csrf } });
    expect(ok.status).toBe(303);
    expect(ok.headers.get("Location")).toBe("/fleet/tenants/acme");

    const support = await signIn(SUPPORT);
    const html = await (await page("GET", "/tenants/acme", { cookie: support })).text();
    expect(html).toContain("Support (read only)");
    expect(html).not.toContain("Read the tenant&#39;s facts again");
    const refused = await page("POST", "/tenants/acme/refresh", { cookie: support, form: { _csrf: csrfIn(html) } });
    expect(refused.status).toBe(403);
    expect(await refused.text()).toContain("A support token reads tenants&#39; health only");

    const out = await page("POST", "/sign-out", { cookie, form: { _csrf: csrf } });
    expect(out.status).toBe(303);
    expect((await page("GET", "/", { cookie })).status).toBe(303);
  });
});
