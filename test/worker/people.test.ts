import { SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { adminRoutes } from "../../src/admin/routes";
import { consoleRoutes } from "../../src/console/routes";
import { ORIGIN, eventually, issueToken, tenantDb } from "./helpers";
import { becomeAdmin, newPerson, newTid } from "./signin-helpers";

const api = (tenant = "acme") => `${ORIGIN}/t/${tenant}/admin/api`;
const console_ = (tenant = "acme") => `${ORIGIN}/t/${tenant}/admin`;

const call = (token: string, method: string, path: string, body?: unknown) =>
  SELF.fetch(`${api()}${path}`, {
    method,
    headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });

async function newKey(token: string, name: string, access: "read" | "write") {
  const res = await call(token, "POST", "/keys", { name, access });
  expect(res.status).toBe(201);
  return (await res.json()) as { id: string; key: string; name: string; access: string };
}

/** A signed-in person's page and its CSRF token. */
async function csrfOf(cookie: string) {
  const page = await SELF.fetch(`${console_()}/`, { headers: { Cookie: cookie } });
  expect(page.status).toBe(200);
  return /name="_csrf" value="([^"]+)"/.exec(await page.text())?.[1] ?? "";
}

/** Every route of a Hono app that changes something, with its parameters filled in. */
const writeRoutes = (routes: { method: string; path: string }[]) => [
  ...new Set(
    routes
      .filter((r) => !["GET", "HEAD", "ALL", "OPTIONS"].includes(r.method) && !r.path.includes("*"))
      .map((r) => `${r.method} ${r.path.replace(/:[a-zA-Z]+(\{[^}]*\})?/g, "x")}`),
  ),
];

describe("named admin API keys", () => {
  it("lists today's admin token as the initial key, adds named keys shown once, notes their use, revokes them", async () => {
    const initial = await issueToken("acme", "admin");
    const list = await call(initial.token, "GET", "/keys");
    expect(list.status).toBe(200);
    const { keys } = (await list.json()) as { keys: { id: string; name: string; access: string }[] };
    expect(keys).toContainEqual(expect.objectContaining({ id: initial.id, name: "initial", access: "write" }));
    const ci = await newKey(initial.token, "CI pipeline", "write");
    expect(ci.key).toMatch(/^adm_/);
    expect((await call(ci.key, "GET", "/users?limit=1")).status).toBe(200);
    await eventually(async () => {
      const again = (await (await call(initial.token, "GET", "/keys")).json()) as {
        keys: { id: string; lastUsed: string | null }[];
      };
      return again.keys.find((k) => k.id === ci.id)?.lastUsed;
    }, 4000);
    expect(JSON.stringify(await (await call(initial.token, "GET", "/keys")).json())).not.toContain(ci.key);
    expect((await call(initial.token, "DELETE", `/keys/${ci.id}`)).status).toBe(204);
    expect((await call(ci.key, "GET", "/users?limit=1")).status).toBe(401);
    expect((await call(initial.token, "DELETE", `/keys/${ci.id}`)).status).toBe(404);
  });

  it("refuses every write of a read-only key with 403, and audits the refusal under the key's name", async () => {
    const initial = await issueToken("acme", "admin");
    const reader = await newKey(initial.token, "dashboard", "read");
    expect((await call(reader.key, "GET", "/settings")).status).toBe(200);
    const writes = writeRoutes(adminRoutes.routes);
    expect(writes.length).toBeGreaterThan(15);
    for (const route of writes) {
      const [method, path] = route.split(" ");
      const res = await call(reader.key, method, path.replace(/^\/t\/x\/admin\/api/, ""), {});
      expect(res.status, route).toBe(403);
      expect(((await res.json()) as { error: { message: string } }).error.message, route).toBe(
        "This admin API key is read-only: it cannot change anything. Use a key with read and write access.",
      );
    }
    const refusal = await tenantDb("acme")
      .prepare("SELECT payload FROM outbox WHERE json_extract(payload, '$.actor') = ?1 LIMIT 1")
      .bind(`key:${reader.id}`)
      .first<{ payload: string }>();
    expect(JSON.parse(refusal!.payload)).toMatchObject({
      action: "refused",
      detail: { status: 403, by: { kind: "key", name: "dashboard" } },
    });
  });

  it("names the key in the audit entries of what it changed", async () => {
    const initial = await issueToken("acme", "admin");
    const writer = await newKey(initial.token, "terraform", "write");
    expect((await call(writer.key, "PUT", "/settings", { activityRetentionDays: 31 })).status).toBe(200);
    const row = await tenantDb("acme")
      .prepare("SELECT payload FROM outbox WHERE json_extract(payload, '$.actor') = ?1")
      .bind(`key:${writer.id}`)
      .first<{ payload: string }>();
    expect(JSON.parse(row!.payload)).toMatchObject({
      action: "settings",
      detail: { by: { kind: "key", name: "terraform" } },
    });
  });
});

describe("named admins and their roles", () => {
  it("lets a viewer read, and refuses each of their writes, API-free: every console form answers 403 with a clear message", async () => {
    const tid = newTid();
    await becomeAdmin("acme", await newPerson(tid), "owner");
    const viewer = await becomeAdmin("acme", await newPerson(tid), "viewer");
    const csrf = await csrfOf(viewer);
    for (const page of ["/users", "/groups", "/activity", "/audit", "/settings"]) {
      expect((await SELF.fetch(`${console_()}${page}`, { headers: { Cookie: viewer } })).status, page).toBe(200);
    }
    const forms = writeRoutes(consoleRoutes.routes).filter((r) => !/\/sign-(in|out)/.test(r));
    expect(forms.length).toBeGreaterThan(8);
    for (const route of forms) {
      const [method, path] = route.split(" ");
      const res = await SELF.fetch(`${console_()}${path.replace(/^\/t\/x\/admin/, "")}`, {
        method,
        redirect: "manual",
        headers: { Cookie: viewer, Origin: ORIGIN, "Content-Type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ _csrf: csrf }),
      });
      expect(res.status, route).toBe(403);
      expect(await res.text(), route).toContain("Your role (viewer) lets you read but not change anything.");
    }
  });

  it("changes roles and removes admins (owners only), never the last owner; removal ends the session at once", async () => {
    const tid = newTid();
    const ownerPerson = await newPerson(tid);
    const owner = await becomeAdmin("globex", ownerPerson, "owner");
    const adminPerson = await newPerson(tid);
    const admin = await becomeAdmin("globex", adminPerson, "admin");
    const key = await issueToken("globex", "admin");
    const list = (await (
      await SELF.fetch(`${api("globex")}/admins`, { headers: { Authorization: `Bearer ${key.token}` } })
    ).json()) as { admins: { id: string; email: string; role: string }[] };
    const ownerId = list.admins.find((a) => a.email === ownerPerson.email)!.id;
    const adminId = list.admins.find((a) => a.email === adminPerson.email)!.id;
    const asKey = (method: string, path: string, body?: unknown) =>
      SELF.fetch(`${api("globex")}${path}`, {
        method,
        headers: { Authorization: `Bearer ${key.token}`, "Content-Type": "application/json" },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    // The only owner can be neither demoted nor removed.
    const demote = await asKey("PATCH", `/admins/${ownerId}`, { role: "admin" });
    expect(demote.status).toBe(409);
    expect(((await demote.json()) as { error: { message: string } }).error.message).toContain("last owner");
    expect((await asKey("DELETE", `/admins/${ownerId}`)).status).toBe(409);
    // An admin (not an owner) cannot change who administers the tenant.
    const adminCsrf = await SELF.fetch(`${console_("globex")}/`, { headers: { Cookie: admin } });
    expect(adminCsrf.status).toBe(200);
    // The owner promotes, then removes: the removed admin's open session stops on its next request.
    expect((await asKey("PATCH", `/admins/${adminId}`, { role: "owner" })).status).toBe(204);
    expect((await asKey("PATCH", `/admins/${ownerId}`, { role: "viewer" })).status).toBe(204);
    expect((await asKey("DELETE", `/admins/${adminId}`)).status).toBe(409);
    expect((await asKey("PATCH", `/admins/${ownerId}`, { role: "owner" })).status).toBe(204);
    expect((await asKey("DELETE", `/admins/${adminId}`)).status).toBe(204);
    const after = await SELF.fetch(`${console_("globex")}/`, { headers: { Cookie: admin }, redirect: "manual" });
    expect(after.status).toBe(303);
    expect(after.headers.get("Location")).toBe("/t/globex/admin/sign-in");
    expect((await SELF.fetch(`${console_("globex")}/`, { headers: { Cookie: owner } })).status).toBe(200);
    const audit = await tenantDb("globex")
      .prepare(
        "SELECT payload FROM outbox WHERE json_extract(payload, '$.action') = 'admin' ORDER BY rowid DESC LIMIT 1",
      )
      .first<{ payload: string }>();
    expect(JSON.parse(audit!.payload)).toMatchObject({ detail: { removed: adminId, by: { kind: "key" } } });
  });

  it("turns key sign-in off only once a person is an owner, and then refuses keys at the console", async () => {
    const key = await issueToken("globex", "admin");
    const off = await SELF.fetch(`${api("globex")}/settings`, {
      method: "PUT",
      headers: { Authorization: `Bearer ${key.token}`, "Content-Type": "application/json" },
      body: JSON.stringify({ consoleKeySignIn: false }),
    });
    // globex has an owner from the test above.
    expect(off.status).toBe(200);
    try {
      const res = await SELF.fetch(`${console_("globex")}/sign-in`, {
        method: "POST",
        redirect: "manual",
        headers: {
          Origin: ORIGIN,
          "Content-Type": "application/x-www-form-urlencoded",
          "CF-Connecting-IP": "198.51.100.250",
        },
        body: new URLSearchParams({ token: key.token }),
      });
      expect(res.status).toBe(403);
      expect(await res.text()).toContain("Signing in with an admin API key is turned off for this tenant.");
      // The admin API still takes the key.
      expect(
        (await SELF.fetch(`${api("globex")}/users?limit=1`, { headers: { Authorization: `Bearer ${key.token}` } }))
          .status,
      ).toBe(200);
    } finally {
      await SELF.fetch(`${api("globex")}/settings`, {
        method: "PUT",
        headers: { Authorization: `Bearer ${key.token}`, "Content-Type": "application/json" },
        body: JSON.stringify({ consoleKeySignIn: true }),
      });
    }
  });

  it("invites from the Admins page by mail (owners), and refuses an admin who is not an owner", async () => {
    const tid = newTid();
    const owner = await becomeAdmin("acme", await newPerson(tid), "owner");
    const ownerCsrf = await csrfOf(owner);
    const email = `invitee-${Date.now()}@contoso.example`;
    const sent = await SELF.fetch(`${console_()}/admins/invite`, {
      method: "POST",
      headers: { Cookie: owner, Origin: ORIGIN, "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ _csrf: ownerCsrf, email, role: "viewer" }),
    });
    expect(sent.status).toBe(201);
    expect(await sent.text()).toContain(`Invitation sent to ${email} as viewer.`);
    const mail = await tenantDb("acme")
      .prepare("SELECT subject, body, status FROM mail_outbox WHERE to_address = ?1")
      .bind(email)
      .first<{ subject: string; body: string; status: string }>();
    expect(mail?.subject).toBe("You are invited to administer acme");
    expect(mail?.body).toMatch(/\/t\/acme\/admin\/setup\?link=scimsl_[A-Za-z0-9_-]{43}/);
    const admin = await becomeAdmin("acme", await newPerson(tid), "admin");
    const page = await SELF.fetch(`${console_()}/admins`, { headers: { Cookie: admin } });
    expect(page.status).toBe(200);
    expect(await page.text()).not.toContain("Send invitation");
    const refused = await SELF.fetch(`${console_()}/admins/invite`, {
      method: "POST",
      headers: { Cookie: admin, Origin: ORIGIN, "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ _csrf: await csrfOf(admin), email: "x@contoso.example", role: "owner" }),
    });
    expect(refused.status).toBe(403);
    expect(await refused.text()).toContain("Only an owner can change who administers this tenant");
  });
});
