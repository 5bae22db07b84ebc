import { SELF, env } from "cloudflare:test";
import { afterEach, describe, expect, it } from "vitest";
import { sha256Hex } from "../../src/tenants/tokens";
import { ORIGIN, createUser, entraUser, eventually, newClient, tenantDb } from "./helpers";
import { fetchWorker } from "./instrumented";

const OPERATOR = "fleet-operator-token-for-health-tests-0123";
const SUPPORT = "fleet-support-token-for-health-tests-4567";
const TENANT = "globex";
const e = env as unknown as Record<string, unknown>;

async function fleet(method: string, path: string, token: string | null = OPERATOR, body?: string) {
  return fetchWorker(
    new Request(`${ORIGIN}/fleet/api${path}`, {
      method,
      headers: token === null ? {} : { authorization: `Bearer ${token}` },
      body,
    }),
    { FLEET_TOKEN_SHA256: await sha256Hex(OPERATOR), FLEET_SUPPORT_TOKEN_SHA256: await sha256Hex(SUPPORT) },
  );
}
const health = async (token = OPERATOR) => (await (await fleet("GET", `/tenants/${TENANT}`, token)).json()) as any;
const moveClock = (offsetMs: number) =>
  SELF.fetch(`${ORIGIN}/test/clock`, { method: "PUT", body: JSON.stringify({ offsetMs }) });

afterEach(async () => {
  await moveClock(0);
});

describe("tenant health row, kept current by the Queue consumer", () => {
  it("counts Entra's requests and failures of the last hour and names the last request", async () => {
    const scim = await newClient(TENANT);
    const before = (await health()).health;
    await createUser(scim, entraUser());
    const dup = entraUser();
    await createUser(scim, dup);
    expect((await scim.post("/Users", dup)).status).toBe(409);
    expect((await scim.get("/Users?filter=userName%20eq%20%22nobody%40example.com%22")).status).toBe(200);
    const after = await eventually(async () => {
      const h = (await health()).health;
      return h.lastHour.requests >= before.lastHour.requests + 4 ? h : undefined;
    });
    expect(after.lastHour.failures).toBe(before.lastHour.failures + 1);
    expect(after.everConnected).toBe(true);
    expect(Date.now() - Date.parse(after.lastEntra)).toBeLessThan(60_000);
    expect(after.onboarded).not.toBeNull();
    expect(after.state).toBe("healthy");
    expect(after.conditions[0].evidence).toContain("requests in the last hour");
  });

  it("turns silent when no cycle came for more than two 40-minute cycles (test clock)", async () => {
    const scim = await newClient(TENANT);
    await createUser(scim, entraUser());
    await eventually(async () => Date.now() - Date.parse((await health()).health.lastEntra ?? "0") < 60_000);
    await moveClock(81 * 60_000);
    const h = (await health()).health;
    expect(h.state).toBe("silent");
    expect(h.conditions[0].evidence).toMatch(/^No request from Entra since .* \(more than two 40-minute cycles\)\.$/);
    const list = (await (await fleet("GET", "/tenants?state=silent")).json()) as any;
    expect(list.tenants.map((t: any) => t.tenant)).toContain(TENANT);
    expect(list.counts.silent).toBeGreaterThanOrEqual(1);
  });

  it("shows an OAuth client secret expiring within 30 days after a refresh, and a suspension at once", async () => {
    const expires = new Date(Date.now() + 5 * 86_400_000).toISOString();
    await tenantDb(TENANT)
      .prepare(
        "INSERT INTO oauth_clients (id, name, secret_hash, created, expires) VALUES ('hc1', 'Entra prod', ?1, ?2, ?3)",
      )
      .bind("0".repeat(64), new Date().toISOString(), expires)
      .run();
    const refreshed = (await (await fleet("POST", `/tenants/${TENANT}/refresh`)).json()) as any;
    const cond = refreshed.health.conditions.find((c: any) => c.state === "credentials-expiring");
    expect(cond.evidence).toBe(`OAuth client "Entra prod" (hc1) expires ${expires}`);
    expect(JSON.stringify(refreshed)).not.toContain("0".repeat(64));

    expect(
      (await fleet("POST", `/tenants/${TENANT}/suspend`, OPERATOR, JSON.stringify({ reason: "unpaid" }))).status,
    ).toBe(200);
    const suspended = await health();
    expect(suspended.health.state).toBe("suspended");
    expect(suspended.health.conditions[0].evidence).toBe("Suspended by the service provider: unpaid");
    expect((await fleet("POST", `/tenants/${TENANT}/resume`)).status).toBe(200);
    expect((await health()).health.state).not.toBe("suspended");
    await tenantDb(TENANT).prepare("DELETE FROM oauth_clients WHERE id = 'hc1'").run();
    await fleet("POST", `/tenants/${TENANT}/refresh`);
  });
});

describe("fleet health API: tokens and bad input", () => {
  it("lists every tenant bound to the cell, sorted and filtered", async () => {
    const res = await fleet("GET", "/tenants?sort=tenant");
    expect(res.status).toBe(200);
    const body = (await res.json()) as any;
    const bound = Object.keys(e)
      .filter((k) => k.startsWith("TENANT_"))
      .map((k) => k.slice(7).toLowerCase());
    expect(body.tenants.map((t: any) => t.tenant)).toEqual([...bound].sort());
    expect(body.total).toBe(bound.length);
    const one = (await (await fleet("GET", "/tenants?q=glob&limit=1")).json()) as any;
    expect(one.tenants.map((t: any) => t.tenant)).toEqual(["globex"]);
  });

  it("answers bad input with a clear 400 or 404 and changes nothing", async () => {
    const cases: [string, string, number, string][] = [
      ["GET", "/tenants?state=sad", 400, '"state" must be one of suspended, quarantine-risk'],
      ["GET", "/tenants?sort=size", 400, '"sort" must be one of state, tenant, last-entra, failures.'],
      ["GET", "/tenants?q=ACME!", 400, '"q" is part of a tenant slug'],
      ["GET", `/tenants?q=${"a".repeat(65)}`, 400, '"q" is part of a tenant slug'],
      ["GET", "/tenants?limit=-1", 400, '"limit" must be a whole number from 0 to 1000.'],
      ["GET", "/tenants?limit=5000", 400, '"limit" must be a whole number from 0 to 1000.'],
      ["GET", "/tenants?offset=x", 400, '"offset" must be a whole number'],
      ["GET", "/tenants?color=red", 400, 'Unknown parameter "color"'],
      ["GET", "/tenants/nobody", 404, 'No tenant "nobody"'],
      ["POST", "/tenants/nobody/refresh", 404, 'No tenant "nobody"'],
    ];
    for (const [method, path, status, message] of cases) {
      const res = await fleet(method, path);
      expect(res.status, path).toBe(status);
      const body = (await res.json()) as { error: { status: number; message: string } };
      expect(body.error.message, path).toContain(message);
    }
    expect((await health()).health.state).not.toBe("suspended");
  });

  it("a support token reads health but changes nothing and exports nothing", async () => {
    expect((await fleet("GET", "/tenants", SUPPORT)).status).toBe(200);
    expect((await health(SUPPORT)).tenant).toBe(TENANT);
    const refused = "A support token reads tenants' health only; this needs an operator token.";
    for (const [method, path, body] of [
      ["POST", `/tenants/${TENANT}/suspend`, JSON.stringify({ reason: "by support" })],
      ["POST", `/tenants/${TENANT}/refresh`, undefined],
      ["GET", `/tenants/${TENANT}/export`, undefined],
      ["POST", `/tenants/${TENANT}/import`, "{}"],
    ] as const) {
      const res = await fleet(method, path, SUPPORT, body);
      expect(res.status, path).toBe(403);
      expect(((await res.json()) as any).error.message).toBe(refused);
    }
    expect((await health()).suspension).toBeNull();
    expect((await fleet("GET", "/tenants", "not-a-token")).status).toBe(401);
  });
});
