import { applyD1Migrations, type D1Migration, env, SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { CUSTOM_SCHEMA } from "../../src/scim/schema/custom";
import { insertTokenSql, prepared } from "../../src/tenants/token-rows";
import { mintToken, sha256Hex, tokenKvKey, tokenKvValue } from "../../src/tenants/tokens";
import {
  ORIGIN,
  adminClient,
  createGroup,
  createUser,
  entraUser,
  eventually,
  issueToken,
  newClient,
  patchOp,
  scimClient,
} from "./helpers";
import { fetchWorker } from "./instrumented";

const e = env as unknown as { SPARE_D1: D1Database; TOKENS: KVNamespace; TEST_MIGRATIONS: D1Migration[] };
const OPERATOR = "fleet-operator-token-for-tests-0123456789";
const withFleet = async () => ({ FLEET_TOKEN_SHA256: await sha256Hex(OPERATOR), TENANT_COPY: e.SPARE_D1 });

async function fleet(
  method: string,
  path: string,
  body?: BodyInit,
  token: string | null = OPERATOR,
  overrides?: Record<string, unknown>,
) {
  return fetchWorker(
    new Request(`${ORIGIN}/fleet/api${path}`, {
      method,
      headers: token === null ? {} : { authorization: `Bearer ${token}` },
      body,
    }),
    overrides ?? (await withFleet()),
  );
}

/** The copy's SCIM client: the spare database bound as tenant "copy", with a token of its own. */
async function copyClient() {
  const minted = await mintToken("scim");
  await prepared(e.SPARE_D1, insertTokenSql(minted)).run();
  await e.TOKENS.put(tokenKvKey(minted.hash), tokenKvValue("copy", minted));
  const overrides = await withFleet();
  return (path: string) =>
    fetchWorker(
      new Request(`${ORIGIN}/t/copy/scim/v2${path}`, { headers: { authorization: `Bearer ${minted.token}` } }),
      overrides,
    );
}

/** An SCIM answer with the tenant's own URL part made neutral, to compare two tenants' answers. */
const neutral = async (res: Response, slug: string) => ({
  status: res.status,
  etag: res.headers.get("ETag"),
  body: (await res.text()).replaceAll(`/t/${slug}/`, "/t/<tenant>/"),
});

describe("fleet API: operator token and bad input", () => {
  it("refuses a missing or wrong token, and every request while no operator token is set", async () => {
    for (const token of [null, "nope", OPERATOR + "x"]) {
      const res = await fleet("GET", "/tenants/acme", undefined, token);
      expect(res.status).toBe(401);
      expect(await res.json()).toEqual({ error: { status: 401, message: "A vendor operator token is required." } });
    }
    expect((await fleet("GET", "/tenants/acme", undefined, OPERATOR, {})).status).toBe(401);
    expect((await fleet("GET", "/tenants/acme")).status).toBe(200);
  });

  it("names unknown tenants and routes with 404, refuses bad suspensions with 400, and changes nothing", async () => {
    expect((await fleet("POST", "/tenants/nobody/suspend", JSON.stringify({ reason: "x" }))).status).toBe(404);
    expect((await fleet("POST", "/tenants/ACME!/suspend", JSON.stringify({ reason: "x" }))).status).toBe(404);
    expect((await fleet("GET", "/tenants/acme/nothing")).status).toBe(404);
    for (const body of [
      "",
      "[]",
      "not json",
      "{}",
      JSON.stringify({ reason: "" }),
      JSON.stringify({ reason: 5 }),
      JSON.stringify({ reason: "x".repeat(201) }),
      JSON.stringify({ reason: "two\nlines" }),
    ]) {
      const res = await fleet("POST", "/tenants/acme/suspend", body);
      expect(res.status).toBe(400);
      expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(/JSON object|reason/);
    }
    expect((await fleet("POST", "/tenants/acme/suspend", "x".repeat(5000))).status).toBe(413);
    expect(await (await fleet("GET", "/tenants/acme")).json()).toMatchObject({ tenant: "acme", suspension: null });
    expect((await fleet("POST", "/tenants/acme/resume")).status).toBe(409);
  });
});

describe("suspend and resume", () => {
  it("a suspended tenant's Entra traffic gets a 403 naming the reason; its data is unchanged after resume", async () => {
    const c = await newClient("acme");
    const user = await createUser(c);
    await createGroup(c, { members: [{ value: user.id }] });
    const snapshot = async () => [
      await (await c.get("/Users?count=200")).text(),
      await (await c.get("/Groups?count=200")).text(),
    ];
    const before = await snapshot();

    const suspended = await fleet("POST", "/tenants/acme/suspend", JSON.stringify({ reason: "Invoice 42 overdue" }));
    expect(suspended.status).toBe(200);
    expect(await suspended.json()).toMatchObject({ tenant: "acme", suspension: { reason: "Invoice 42 overdue" } });

    for (const res of [
      await c.get("/Users?count=200"),
      await c.post("/Users", entraUser()),
      await c.patch(`/Users/${user.id}`, patchOp({ op: "replace", path: "displayName", value: "Changed" })),
      await c.get("/ServiceProviderConfig"),
    ]) {
      expect(res.status).toBe(403);
      expect(res.headers.get("Content-Type")).toMatch(/scim\+json/);
      const body = (await res.json()) as { detail: string; status: string };
      expect(body.status).toBe("403");
      expect(body.detail).toMatch(/suspended by the service provider\. Reason: Invoice 42 overdue\..*data is kept/);
    }
    // Its admins can still read (and export); their audit log says why Entra is refused.
    const admin = await adminClient("acme");
    const audit = await eventually(async () => {
      const r = (await (await admin.get("/audit?action=suspension")).json()) as { entries: { detail: unknown }[] };
      return r.entries.length ? r.entries : null;
    });
    expect(audit[0].detail).toMatchObject({ suspended: true, reason: "Invoice 42 overdue" });

    expect((await fleet("POST", "/tenants/acme/resume")).status).toBe(200);
    expect(await snapshot()).toEqual(before);
    expect((await c.post("/Users", entraUser())).status).toBe(201);
  });
});

describe("export and import", () => {
  it("an export imported into a new tenant gives the same SCIM answers for every user and group", async () => {
    await applyD1Migrations(e.SPARE_D1, e.TEST_MIGRATIONS);
    const admin = await adminClient("acme");
    const attr = `costCenter${crypto.randomUUID().slice(0, 6)}`;
    expect((await admin.post("/custom-attributes", { name: attr })).status).toBe(201);
    const { token } = await issueToken("acme");
    const c = scimClient("acme", token);
    const users = [];
    for (let i = 0; i < 3; i++)
      users.push(
        await createUser(c, {
          schemas: ["urn:ietf:params:scim:schemas:core:2.0:User", CUSTOM_SCHEMA],
          [CUSTOM_SCHEMA]: { [attr]: `cc-${i}` },
        }),
      );
    const group = await createGroup(c, { members: users.map((u) => ({ value: u.id })) });

    const exported = await fleet("GET", "/tenants/acme/export");
    expect(exported.status).toBe(200);
    expect(exported.headers.get("Content-Type")).toBe("application/x-ndjson");
    const text = await exported.text();
    const lines = text.trimEnd().split("\n");
    const end = JSON.parse(lines.at(-1)!) as { end: boolean; lines: number; sha256: string };
    expect(end.lines).toBe(lines.length - 1);
    expect(end.sha256).toBe(
      await sha256Hex(
        lines
          .slice(0, -1)
          .map((l) => l + "\n")
          .join(""),
      ),
    );
    expect(text).not.toMatch(/cursorKey|"tokens"/);

    // Bad exports change nothing: a wrong checksum, a cut-short file, a table or column that is not exported.
    const resum = async (body: string[]) => {
      const payload = body.map((l) => l + "\n").join("");
      return [...body, JSON.stringify({ end: true, lines: body.length, sha256: await sha256Hex(payload) })].join("\n");
    };
    const body = lines.slice(0, -1);
    const tampered = [...body.slice(0, -1), body.at(-1)!.replace(/"at":"/, '"at":"1'), lines.at(-1)!].join("\n");
    for (const [bad, why] of [
      [tampered, /checksum/],
      [body.join("\n"), /cut short/],
      ["", /no body|empty/],
      [await resum([...body, JSON.stringify({ table: "tokens", row: { id: "x" } })]), /not a row/],
      [await resum([...body, JSON.stringify({ table: "users", row: { id: "x", 'evil" FROM x; --': 1 } })]), /column/],
      [await resum(["{}", ...body.slice(1)]), /header/],
    ] as const) {
      const res = await fleet("POST", "/tenants/copy/import", bad);
      expect(res.status).toBe(400);
      expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(why);
    }
    const copy = await copyClient();
    expect(JSON.parse(await (await copy("/Users")).text()).totalResults).toBe(0);

    const imported = await fleet("POST", "/tenants/copy/import", text);
    expect(imported.status).toBe(200);
    expect(await imported.json()).toMatchObject({
      tenant: "copy",
      from: "acme",
      imported: { group_members: expect.any(Number) },
    });

    const source = (path: string) => SELF.fetch(`${c.base}${path}`, { headers: { authorization: `Bearer ${token}` } });
    const paths = [
      ...users.map((u) => `/Users/${u.id}`),
      `/Groups/${group.id}`,
      "/Users?count=500",
      "/Groups?count=500",
      `/Users?filter=${encodeURIComponent(`userName eq "${users[0].userName}"`)}`,
      "/Schemas",
    ];
    for (const p of paths)
      expect(await neutral(await copy(p), "copy"), p).toEqual(await neutral(await source(p), "acme"));

    // Only into a new tenant: a second import is refused and changes nothing.
    const again = await fleet("POST", "/tenants/copy/import", text);
    expect(again.status).toBe(409);
    expect(await neutral(await copy("/Users?count=500"), "copy")).toEqual(
      await neutral(await source("/Users?count=500"), "acme"),
    );
  });
});
