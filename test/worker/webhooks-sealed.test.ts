import { env } from "cloudflare:test";
import { Webhook } from "standardwebhooks";
import { describe, expect, it } from "vitest";
import { SEAL_PURPOSE, sealerFor } from "../../src/platform/seal";
import { dispatchDue } from "../../src/webhooks/dispatch";
import { adminClient, tenantDb } from "./helpers";

const SEAL_KEYS = (env as { SEAL_KEYS?: string }).SEAL_KEYS;

/** An event due now for `webhookId`, on a resource of its own. */
async function dueEvent(db: D1Database, webhookId: string): Promise<string> {
  const id = crypto.randomUUID();
  const resource = crypto.randomUUID();
  const seq = 8_000_000_000 + Math.floor(Math.random() * 1_000_000_000) * 4;
  const now = new Date().toISOString();
  await db.batch([
    db
      .prepare(
        `INSERT INTO security_events (id, seq, type, resource_type, resource_id, external_id, payload, created)
         VALUES (?1, ?2, 'user.modified', 'User', ?3, NULL, ?4, ?5)`,
      )
      .bind(id, seq, resource, JSON.stringify({ id: resource, attributes: ["title"] }), now),
    db
      .prepare(
        `INSERT INTO webhook_deliveries (event_id, webhook_id, seq, resource_id, state, attempts, next_attempt_at, created)
         VALUES (?1, ?2, ?3, ?4, 'pending', 0, ?5, ?5)`,
      )
      .bind(id, webhookId, seq, resource, now),
  ]);
  return id;
}

/** Sends what is due to a receiver that records each request and answers 204. */
async function deliverAll(db: D1Database, tenant: string) {
  const got: { headers: Record<string, string>; body: string }[] = [];
  const fetcher = (async (_url: string, init: RequestInit) => {
    got.push({ headers: init.headers as Record<string, string>, body: String(init.body) });
    return new Response(null, { status: 204 });
  }) as unknown as typeof fetch;
  await dispatchDue(db, { sealer: sealerFor(SEAL_KEYS, tenant), allowLoopbackHttp: false, fetcher, budgetMs: 2_000 });
  return got;
}

describe("secrets sealed at rest in D1 (docs/secrets.md)", () => {
  it("a new endpoint's secret and the signing key are stored sealed: the rows hold no clear secret", async () => {
    const admin = await adminClient("globex");
    const added = (await (
      await admin.post("/webhooks", { url: "https://hooks.example.com/sealed", format: "json" })
    ).json()) as { id: string; secret: string };
    expect((await admin.get("/webhooks/jwks")).status).toBe(200); // makes the signing key
    const db = tenantDb("globex");
    const row = (await db
      .prepare("SELECT secret FROM webhooks WHERE id = ?1")
      .bind(added.id)
      .first<{ secret: string }>())!;
    expect(row.secret).toMatch(/^v1\.test\./);
    expect(row.secret).not.toContain(added.secret);
    expect(row.secret).not.toContain(added.secret.slice(6, 30));
    const keys = (
      await db.prepare("SELECT kid, private_jwk FROM signing_keys").all<{ kid: string; private_jwk: string }>()
    ).results;
    expect(keys.length).toBeGreaterThan(0);
    for (const k of keys) {
      expect(k.private_jwk).toMatch(/^v1\.test\./);
      expect(k.private_jwk).not.toContain('"d"');
      const jwk = JSON.parse(await sealerFor(SEAL_KEYS, "globex").open(SEAL_PURPOSE.signingKey(k.kid), k.private_jwk));
      expect(jwk).toMatchObject({ kty: "EC", crv: "P-256" });
    }

    // Deliveries are still signed with the real secret, which the receiver verifies.
    const eventId = await dueEvent(db, added.id);
    const got = (await deliverAll(db, "globex")).find((r) => r.headers["webhook-id"] === eventId)!;
    expect(() => new Webhook(added.secret).verify(got.body, got.headers)).not.toThrow();
    expect((await admin.del(`/webhooks/${added.id}`)).status).toBe(204);
  });

  it("a sealed secret copied to another tenant's database does not open there: the delivery fails and says why", async () => {
    const admin = await adminClient("globex");
    const added = (await (
      await admin.post("/webhooks", { url: "https://hooks.example.com/copied", format: "json" })
    ).json()) as { id: string };
    const sealed = (await tenantDb("globex")
      .prepare("SELECT * FROM webhooks WHERE id = ?1")
      .bind(added.id)
      .first<Record<string, string | null>>())!;
    const acme = tenantDb("acme");
    await acme
      .prepare("INSERT INTO webhooks (id, url, format, secret, issuer, created) VALUES (?1, ?2, 'json', ?3, ?4, ?5)")
      .bind(added.id, sealed.url, sealed.secret, sealed.issuer, sealed.created)
      .run();
    const eventId = await dueEvent(acme, added.id);
    expect((await deliverAll(acme, "acme")).some((r) => r.headers["webhook-id"] === eventId)).toBe(false);
    const attempt = await acme
      .prepare("SELECT status, error FROM webhook_attempts WHERE event_id = ?1")
      .bind(eventId)
      .first<{ status: number | null; error: string }>();
    expect(attempt).toEqual({ status: null, error: "the signing secret could not be opened" });
    await acme.batch([
      acme.prepare("DELETE FROM webhook_deliveries WHERE webhook_id = ?1").bind(added.id),
      acme.prepare("DELETE FROM webhooks WHERE id = ?1").bind(added.id),
    ]);
  });

  it("a secret stored in clear before sealing still signs (legacy rows keep working)", async () => {
    const db = tenantDb("acme");
    const id = crypto.randomUUID();
    const secret = `whsec_${btoa("a legacy secret of 32 bytes!!!!!")}`;
    await db
      .prepare("INSERT INTO webhooks (id, url, format, secret, issuer, created) VALUES (?1, ?2, 'json', ?3, ?4, ?5)")
      .bind(
        id,
        "https://hooks.example.com/legacy",
        secret,
        "https://scim.test/t/acme/scim/v2",
        new Date().toISOString(),
      )
      .run();
    const eventId = await dueEvent(db, id);
    const got = (await deliverAll(db, "acme")).find((r) => r.headers["webhook-id"] === eventId)!;
    expect(() => new Webhook(secret).verify(got.body, got.headers)).not.toThrow();
    await db.batch([
      db.prepare("DELETE FROM webhook_deliveries WHERE webhook_id = ?1").bind(id),
      db.prepare("DELETE FROM webhooks WHERE id = ?1").bind(id),
    ]);
  });
});
