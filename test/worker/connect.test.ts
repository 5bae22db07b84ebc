import { SELF } from "cloudflare:test";
import { beforeEach, describe, expect, it } from "vitest";
import { CONNECTION_SQL } from "../../src/activity/connection";
import { mappingAdvice } from "../../src/scim/entra-mapping";
import type { SchemaDef } from "../../src/scim/schema/types";
import { ORIGIN, adminClient, createGroup, createUser, eventually, issueToken, scimClient, tenantDb } from "./helpers";
import { tokenRequest } from "./oauth-helpers";

/** The Connect Entra ID page and its status route, on the tenant globex (the console suite uses acme). */
const TENANT = "globex";
const base = `${ORIGIN}/t/${TENANT}/admin`;
let client = 0;

async function session() {
  const admin = await issueToken(TENANT, "admin");
  const res = await SELF.fetch(`${base}/sign-in`, {
    method: "POST",
    redirect: "manual",
    headers: {
      Origin: ORIGIN,
      "Content-Type": "application/x-www-form-urlencoded",
      "CF-Connecting-IP": `203.0.113.${++client}`,
    },
    body: new URLSearchParams({ token: admin.token }),
  });
  expect(res.status).toBe(303);
  const cookie = res.headers.get("Set-Cookie")!.split(";")[0];
  const html = await (await SELF.fetch(`${base}/connect`, { headers: { Cookie: cookie } })).text();
  return { cookie, csrf: /name="_csrf" value="([^"]+)"/.exec(html)?.[1] ?? "" };
}

const get = (path: string, cookie: string) => SELF.fetch(`${base}${path}`, { headers: { Cookie: cookie } });
const post = (path: string, s: { cookie: string; csrf: string }) =>
  SELF.fetch(`${base}${path}`, {
    method: "POST",
    redirect: "manual",
    headers: { Cookie: s.cookie, Origin: ORIGIN, "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ _csrf: s.csrf }),
  });

interface Step {
  id: string;
  done: boolean;
  text: string;
  warning?: string;
}
async function status(cookie: string) {
  const res = await get("/connect/status", cookie);
  expect(res.status).toBe(200);
  expect(res.headers.get("Cache-Control")).toBe("no-store");
  const body = (await res.json()) as { steps: Step[]; open: boolean };
  return { ...body, step: (id: string) => body.steps.find((s) => s.id === id)! };
}

/** A value of a CopyField in the page, by its input's id. */
const copied = (html: string, id: string) =>
  new RegExp(`id="${id}" type="text" readonly="" value="([^"]+)"`).exec(html)?.[1];

const textOf = (html: string) =>
  html
    .replace(/<wbr\/?>/g, "")
    .replace(/<[^>]+>/g, " ")
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/\s+/g, " ");

/** A tenant Entra has never reached: no request recorded, no refusal, no OAuth grant, no SCIM write. */
beforeEach(async () => {
  const db = tenantDb(TENANT);
  await db.batch([
    db.prepare("DELETE FROM activity"),
    db.prepare("DELETE FROM activity_noise"),
    db.prepare("DELETE FROM oauth_access_tokens"),
    db.prepare("DELETE FROM oauth_clients"),
    db.prepare("DELETE FROM oauth_federations"),
    db.prepare("DELETE FROM audit_log WHERE actor = 'scim'"),
  ]);
});

describe("Connect Entra ID: the Test Connection step", () => {
  it("waits, then ticks when Entra's random-userName lookup arrives with the token created on the page; the Overview says connected", async () => {
    const s = await session();
    const overviewBefore = textOf(await (await get("/", s.cookie)).text());
    expect(overviewBefore).toContain("Nothing has connected yet");
    expect(overviewBefore).toContain("Entra ID has not connected yet");
    expect(overviewBefore).not.toContain("the Secret Token from the Token page");

    const created = await post("/connect/token", s);
    expect(created.status).toBe(201);
    const html = await created.text();
    const token = copied(html, "secret-token")!;
    expect(token).toMatch(/^scim_[A-Za-z0-9_-]{43}$/);
    expect(textOf(html)).toContain("Shown once: copy it now.");
    expect(copied(html, "tenant-url")).toBe(`${ORIGIN}/t/${TENANT}/scim/v2`);
    // Shown once: the page never shows it again.
    expect(await (await get("/connect", s.cookie)).text()).not.toContain(token);

    const before = await status(s.cookie);
    expect(before.open).toBe(true);
    expect(before.step("credential")).toMatchObject({ done: true });
    expect(before.step("test")).toEqual({ id: "test", done: false, text: "Waiting for Entra's Test Connection…" });
    const page = await (await get("/connect", s.cookie)).text();
    expect(page).toMatch(
      /id="test-status" aria-live="polite" data-status="true">Waiting for Entra&#39;s Test Connection…/,
    );

    // Entra's probe: a random GUID as userName, `+` for spaces.
    const guid = crypto.randomUUID();
    const probe = await scimClient(TENANT, token).get(`/Users?filter=userName+eq+%22${guid}%22`);
    expect(probe.status).toBe(200);
    const ticked = await eventually(async () => {
      const t = (await status(s.cookie)).step("test");
      return t.done ? t : undefined;
    });
    expect(ticked.text).toMatch(
      /^Entra's Test Connection arrived at \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC with the SCIM token\./,
    );
    expect(ticked.warning).toBeUndefined();
    // A reload shows the same state as the live tick.
    expect(textOf(await (await get("/connect", s.cookie)).text())).toContain(ticked.text);

    const overviewAfter = textOf(await (await get("/", s.cookie)).text());
    expect(overviewAfter).not.toContain("Nothing has connected yet");
    expect(overviewAfter).not.toContain("Entra ID has not connected yet");
  });

  it("does not tick for a probe with a token we do not know, and says so", async () => {
    const s = await session();
    expect((await post("/connect/token", s)).status).toBe(201);
    const bad = await scimClient(TENANT, `scim_${"Q".repeat(43)}`).get(
      `/Users?filter=userName+eq+%22${crypto.randomUUID()}%22`,
    );
    expect(bad.status).toBe(401);
    const warned = await eventually(async () => {
      const t = (await status(s.cookie)).step("test");
      return t.warning ? t : undefined;
    });
    expect(warned.done).toBe(false);
    expect(warned.text).toBe("Waiting for Entra's Test Connection…");
    expect(warned.warning).toMatch(
      /^Entra tried with a token we do not know: 1 request refused, the last reported at /,
    );
    expect(textOf(await (await get("/", s.cookie)).text())).toContain("Nothing has connected yet");
  });

  it("ticks when Entra asks the token endpoint with the OAuth client created on the page", async () => {
    const s = await session();
    const created = await post("/connect/client", s);
    expect(created.status).toBe(201);
    const html = await created.text();
    const clientId = copied(html, "client-id")!;
    const secret = copied(html, "client-secret")!;
    expect(copied(html, "token-endpoint")).toBe(`${ORIGIN}/t/${TENANT}/oauth/token`);
    expect(textOf(html)).toContain("Shown once: copy the client secret now.");
    expect((await status(s.cookie)).step("test").done).toBe(false);

    const res = await tokenRequest(TENANT, { basic: [clientId, secret], form: { grant_type: "client_credentials" } });
    expect(res.status).toBe(200);
    const after = await status(s.cookie);
    expect(after.step("credential").text).toContain("1 OAuth client ready");
    expect(after.step("test")).toMatchObject({ done: true });
    expect(after.step("test").text).toMatch(/^Entra got an access token from the OAuth token endpoint at /);
    expect(textOf(await (await get("/", s.cookie)).text())).not.toContain("Nothing has connected yet");
  });

  it("answers the status route only to a session, and creates nothing without the form's CSRF token", async () => {
    const anonymous = await SELF.fetch(`${base}/connect/status`, { redirect: "manual" });
    expect(anonymous.status).toBe(303);
    expect(anonymous.headers.get("Location")).toBe(`/t/${TENANT}/admin/sign-in`);
    const s = await session();
    const forged = await post("/connect/client", { cookie: s.cookie, csrf: "x".repeat(s.csrf.length) });
    expect(forged.status).toBe(403);
    const { n } = (await tenantDb(TENANT).prepare("SELECT count(*) AS n FROM oauth_clients").first<{ n: number }>())!;
    expect(n).toBe(0);
  });
});

describe("Connect Entra ID: the provisioning step", () => {
  it("ticks with the counts once Entra's first cycle brings users and groups", async () => {
    const s = await session();
    const scim = scimClient(TENANT, (await issueToken(TENANT)).token);
    const count = async (table: string) =>
      (await tenantDb(TENANT)
        .prepare(`SELECT count(*) AS n FROM ${table} WHERE source = 'scim'`)
        .first<{ n: number }>())!.n;
    if ((await count("users")) + (await count("groups")) === 0) {
      expect((await status(s.cookie)).step("provision")).toMatchObject({ done: false });
    }
    const ann = await createUser(scim);
    await createUser(scim);
    await createGroup(scim, { members: [{ value: ann.id }] });
    const [users, groups] = [await count("users"), await count("groups")];
    expect(users).toBeGreaterThanOrEqual(2);
    const step = (await status(s.cookie)).step("provision");
    expect(step).toEqual({
      id: "provision",
      done: true,
      text: `Provisioning has started: ${users} users and ${groups} group${groups === 1 ? "" : "s"} arrived from Entra.`,
    });
  });
});

describe("Connect Entra ID: the mapping step, from /Schemas", () => {
  it("lists Entra's defaults to keep and remove, the email rule, and a custom attribute under Add", async () => {
    const s = await session();
    const name = `cost${crypto.randomUUID().slice(0, 8)}`;
    const before = textOf(await (await get("/connect", s.cookie)).text());
    expect(before).toContain('Keep mail → emails[type eq "work"].value : a user without one is refused.');
    expect(before).toContain("Coalesce([mail], [userPrincipalName])");
    expect(before).toContain(
      'Remove (1) Default mappings to remove Entra attribute Target attribute Why proxyAddresses emails[type eq "other"].value',
    );
    expect(before).not.toContain(name);

    const admin = await adminClient(TENANT);
    expect((await admin.post("/custom-attributes", { name })).status).toBe(201);
    const target = `urn:ietf:params:scim:schemas:extension:ivanti:2.0:User:${name}`;
    const after = textOf(await (await get("/connect", s.cookie)).text());
    expect(after).toMatch(new RegExp(`Add \\(\\d+\\) .*yours to choose ${target} Custom attribute ${name}`));

    // The same derivation over what GET /Schemas serves gives the same answer.
    const schemas = (await (await scimClient(TENANT, (await issueToken(TENANT)).token).get("/Schemas")).json()) as {
      Resources: SchemaDef[];
    };
    const advice = mappingAdvice(schemas.Resources);
    expect(advice.add.map((a) => a.target)).toContain(target);
    expect(advice.remove.map((r) => r.source)).toEqual(["proxyAddresses"]);
    expect(advice.keep.map((k) => k.source)).toContain("mail");
    expect(advice.groups).toEqual({
      keep: [
        { source: "displayName", target: "displayName" },
        { source: "objectId", target: "externalId" },
        { source: "members", target: "members" },
      ],
      remove: [],
    });
  });

  it("moves a default target the schemas do not declare to Remove, with the reason", () => {
    const schemas = [
      {
        id: "urn:ietf:params:scim:schemas:core:2.0:User",
        name: "User",
        description: "",
        attributes: [
          { name: "userName", type: "string", mutability: "readWrite" },
          {
            name: "emails",
            type: "complex",
            multiValued: true,
            mutability: "readWrite",
            subAttributes: [
              { name: "value", type: "string", mutability: "readWrite" },
              { name: "type", type: "string", mutability: "readWrite", canonicalValues: ["work"] },
            ],
          },
        ],
      },
    ] as unknown as SchemaDef[];
    const advice = mappingAdvice(schemas);
    expect(advice.keep.map((k) => k.target)).toEqual(["userName", 'emails[type eq "work"].value', "externalId"]);
    const why = Object.fromEntries(advice.remove.map((r) => [r.target, r.why]));
    expect(why.title).toBe("title is not declared in User.");
    expect(why['emails[type eq "other"].value']).toBe('emails takes the types work, not "other".');
    expect(why["urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department"]).toBe(
      "The schema urn:ietf:params:scim:schemas:extension:enterprise:2.0:User is not in this tenant's /Schemas.",
    );
  });
});

describe("Connect Entra ID: the status batch stays cheap", () => {
  const plan = async (sql: string, params: unknown[] = []) =>
    (
      await tenantDb(TENANT)
        .prepare(`EXPLAIN QUERY PLAN ${sql}`)
        .bind(...params)
        .all<{ detail: string }>()
    ).results
      .map((r) => r.detail)
      .join("\n");

  it.each([
    ["the current token's latest request", CONNECTION_SQL.scimToken, [], /INDEX activity_token/],
    ["any request", CONNECTION_SQL.lastRequest, [], /COVERING INDEX activity_at/],
    ["refusals", CONNECTION_SQL.refused, [new Date().toISOString()], /INDEX activity_noise_at/],
  ])("reads %s through its index", async (_name, sql, params, index) => {
    const p = await plan(sql, params);
    expect(p).toMatch(index);
    expect(p).not.toMatch(/SCAN activity\b(?! USING)/);
  });
});
