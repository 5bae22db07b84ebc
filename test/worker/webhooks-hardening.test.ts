/**
 * Events out, hardened after the security probe: the URL checked again at every send, the test
 * event throttled, an endpoint's poll starting at its creation, the public JWKS URL.
 */
import { SELF, env } from "cloudflare:test";
import { createLocalJWKSet, jwtVerify } from "jose";
import { describe, expect, it } from "vitest";
import { testWebhook } from "../../src/admin/services/webhooks";
import { sealerFor } from "../../src/platform/seal";
import { dispatchDue } from "../../src/webhooks/dispatch";
import { adminClient, createUser, eventually, newClient, ORIGIN, tenantDb } from "./helpers";

const SEAL_KEYS = (env as { SEAL_KEYS?: string }).SEAL_KEYS;
const jwksUrl = (slug: string) => `${ORIGIN}/t/${slug}/events/jwks.json`;

/** An endpoint row as saved under other rules: the loopback exception of `npm start`, or before a rule existed. */
async function savedEndpoint(tenant: string, url = "http://127.0.0.1:9444/demo1"): Promise<string> {
  const id = crypto.randomUUID();
  await tenantDb(tenant)
    .prepare("INSERT INTO webhooks (id, url, format, issuer, created) VALUES (?1, ?2, 'set', ?3, ?4)")
    .bind(id, url, `${ORIGIN}/t/${tenant}/scim/v2`, new Date().toISOString())
    .run();
  return id;
}

/** Saved before empty labels were refused: refused at every send, whatever the loopback exception. */
const OLD_RULES_URL = "https://vm../x";

describe("the public JWKS URL", () => {
  // First in the file: globex has signed nothing yet, so it is a known tenant with no keys.
  it("answers an unknown slug exactly as a known tenant with no keys; a slug no tenant could have is 404", async () => {
    const known = await SELF.fetch(jwksUrl("globex"));
    const unknown = await SELF.fetch(jwksUrl("no-such-tenant"));
    for (const res of [known, unknown]) {
      expect(res.status).toBe(200);
      expect(res.headers.get("Content-Type")).toBe("application/jwk-set+json");
      expect(res.headers.get("Cache-Control")).toBe("public, max-age=300");
    }
    expect([...known.headers.entries()]).toEqual([...unknown.headers.entries()]);
    expect(await known.text()).toBe(await unknown.text());
    expect((await SELF.fetch(jwksUrl("Not_A_Slug"))).status).toBe(404);
    const post = await SELF.fetch(jwksUrl("acme"), { method: "POST" });
    expect(post.status).toBe(405);
    expect(post.headers.get("Allow")).toBe("GET");
  });

  it("serves the tenant's public keys with no credential, and SETs verify with them", async () => {
    const admin = await adminClient("acme");
    const adminKeys = (await (await admin.get("/webhooks/jwks")).json()) as { keys: { kid: string; d?: string }[] };
    const res = await SELF.fetch(jwksUrl("acme"));
    expect(res.status).toBe(200);
    const published = (await res.json()) as { keys: [] };
    expect(published).toEqual(adminKeys);
    expect(JSON.stringify(published)).not.toContain('"d"');

    const c = await newClient("acme");
    await createUser(c);
    const sets = await eventually(async () => {
      const polled = await SELF.fetch(`${ORIGIN}/t/acme/events/poll`, {
        method: "POST",
        headers: { Authorization: admin.token, "Content-Type": "application/json" },
        body: JSON.stringify({ returnImmediately: true }),
      });
      const body = (await polled.json()) as { sets: Record<string, string> };
      return Object.values(body.sets).length ? Object.values(body.sets) : null;
    });
    const { payload } = await jwtVerify(sets[0], createLocalJWKSet(published), { typ: "secevent+jwt" });
    expect(payload.iss).toBe(`${ORIGIN}/t/acme/scim/v2`);
  });
});

describe("the URL is checked again at every send", () => {
  it("a URL saved under the loopback exception is not sent to where it is off: the test event says why, and is recorded", async () => {
    const db = tenantDb("acme");
    const id = await savedEndpoint("acme");
    const attempt = await testWebhook(db, sealerFor(SEAL_KEYS, "acme"), id, { allowLoopbackHttp: false });
    expect(attempt).toMatchObject({ ok: false, status: null, error: "not sent: url must use https." });
    const row = await db
      .prepare("SELECT status, error FROM webhook_attempts WHERE event_id = ?1")
      .bind(attempt.eventId)
      .first();
    expect(row).toEqual({ status: null, error: "not sent: url must use https." });
  });

  it("a URL saved under older rules: the admin API's test event answers why it was not sent, and lists the attempt", async () => {
    const admin = await adminClient("acme");
    const id = await savedEndpoint("acme", OLD_RULES_URL);
    const res = await admin.post(`/webhooks/${id}/test`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      ok: false,
      status: null,
      error: "not sent: url's host vm.. has an empty label.",
    });
    const deliveries = (await (await admin.get(`/webhooks/${id}/deliveries`)).json()) as {
      deliveries: { error: string }[];
    };
    expect(deliveries.deliveries[0].error).toBe("not sent: url's host vm.. has an empty label.");
  });

  it("push and retry: the delivery fails with the reason and nothing is fetched; with the exception on, it is sent", async () => {
    const db = tenantDb("acme");
    const id = await savedEndpoint("acme");
    const eventId = crypto.randomUUID();
    const seq = 9_000_000_000 + Math.floor(Math.random() * 1_000_000) * 4;
    const now = new Date().toISOString();
    await db.batch([
      db
        .prepare(
          `INSERT INTO security_events (id, seq, type, resource_type, resource_id, external_id, payload, created)
           VALUES (?1, ?2, 'user.modified', 'User', ?1, NULL, '{"attributes":[]}', ?3)`,
        )
        .bind(eventId, seq, now),
      db
        .prepare(
          `INSERT INTO webhook_deliveries (event_id, webhook_id, seq, resource_id, state, attempts, next_attempt_at, created)
           VALUES (?1, ?2, ?3, ?1, 'pending', 0, ?4, ?4)`,
        )
        .bind(eventId, id, seq, now),
    ]);
    const fetched: string[] = [];
    const fetcher = (async (url: string) => {
      fetched.push(url);
      return new Response(null, { status: 202 });
    }) as unknown as typeof fetch;
    const sealer = sealerFor(SEAL_KEYS, "acme");
    await dispatchDue(db, { sealer, allowLoopbackHttp: false, fetcher, budgetMs: 2_000, retryBaseMs: 1 });
    expect(fetched).toEqual([]);
    const failed = await db
      .prepare("SELECT state, last_error FROM webhook_deliveries WHERE event_id = ?1")
      .bind(eventId)
      .first();
    expect(failed).toEqual({ state: "pending", last_error: "not sent: url must use https." });

    await new Promise((r) => setTimeout(r, 20)); // the 1 ms retry is due
    await dispatchDue(db, { sealer, allowLoopbackHttp: true, fetcher, budgetMs: 2_000, retryBaseMs: 1 });
    expect(fetched).toEqual(["http://127.0.0.1:9444/demo1"]);
  });
});

describe("the test event", () => {
  it("is sent at most once per endpoint every 10 s: 429 with Retry-After in the admin API's JSON error", async () => {
    const admin = await adminClient("acme");
    const id = await savedEndpoint("acme", OLD_RULES_URL);
    const other = await savedEndpoint("acme", OLD_RULES_URL);
    expect((await admin.post(`/webhooks/${id}/test`)).status).toBe(200);
    const again = await admin.post(`/webhooks/${id}/test`);
    expect(again.status).toBe(429);
    const wait = Number(again.headers.get("Retry-After"));
    expect(wait).toBeGreaterThanOrEqual(1);
    expect(wait).toBeLessThanOrEqual(10);
    expect(await again.json()).toEqual({
      error: {
        status: 429,
        message: `A test event was sent to this endpoint less than 10 s ago; try again in ${wait} s.`,
      },
    });
    // Another endpoint is not held back; the refused click recorded no attempt.
    expect((await admin.post(`/webhooks/${other}/test`)).status).toBe(200);
    const attempts = (await (await admin.get(`/webhooks/${id}/deliveries`)).json()) as { deliveries: unknown[] };
    expect(attempts.deliveries).toHaveLength(1);
    expect((await admin.post(`/webhooks/nope/test`)).status).toBe(404);
  });
});

describe("an endpoint's poll token", () => {
  it("starts at the endpoint's creation: events committed before it are not replayed", async () => {
    const c = await newClient("acme");
    const before = await createUser(c);
    const admin = await adminClient("acme");
    // The earlier user's event is recorded before the endpoint exists.
    await eventually(() =>
      tenantDb("acme").prepare("SELECT 1 AS y FROM security_events WHERE resource_id = ?1").bind(before.id).first(),
    );
    await new Promise((r) => setTimeout(r, 5));
    const { id } = (await (
      await admin.post("/webhooks", { url: "https://hooks.example.com/fresh", format: "set", events: ["user.created"] })
    ).json()) as { id: string };
    const { token } = (await (await admin.post(`/webhooks/${id}/poll-tokens`)).json()) as { token: string };
    const after = await createUser(c);
    const jwks = createLocalJWKSet((await (await SELF.fetch(jwksUrl("acme"))).json()) as { keys: [] });
    const seen = await eventually(async () => {
      const res = await SELF.fetch(`${ORIGIN}/t/acme/events/poll`, {
        method: "POST",
        headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
        body: JSON.stringify({ returnImmediately: true, maxEvents: 1000 }),
      });
      const body = (await res.json()) as { sets: Record<string, string> };
      const uris = [];
      for (const set of Object.values(body.sets)) {
        const { payload } = await jwtVerify(set, jwks, { typ: "secevent+jwt" });
        uris.push((payload.sub_id as { uri: string }).uri);
      }
      return uris.includes(`/Users/${after.id}`) ? uris : null;
    });
    expect(seen).not.toContain(`/Users/${before.id}`);
    expect(seen).toEqual([`/Users/${after.id}`]);
  });
});
