import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { sealerFor } from "../../src/platform/seal";
import { dispatchDue } from "../../src/webhooks/dispatch";
import { adminClient, tenantDb } from "./helpers";

const sealer = sealerFor((env as { SEAL_KEYS?: string }).SEAL_KEYS, "globex");
const answering = (status: number) => (async () => new Response("", { status })) as unknown as typeof fetch;

/** An event of its own resource with a pending delivery to `webhookId`, committed `ageMs` ago and due now. */
async function pendingEvent(webhookId: string, ageMs: number): Promise<string> {
  const db = tenantDb("globex");
  const id = crypto.randomUUID();
  const resource = crypto.randomUUID();
  const created = new Date(Date.now() - ageMs).toISOString();
  const seq = 4_000_000_000 + Math.floor(Math.random() * 1_000_000_000) * 4;
  await db.batch([
    db
      .prepare(
        `INSERT INTO security_events (id, seq, type, resource_type, resource_id, external_id, payload, created)
         VALUES (?1, ?2, 'user.modified', 'User', ?3, NULL, ?4, ?5)`,
      )
      .bind(id, seq, resource, JSON.stringify({ id: resource, attributes: ["title"] }), created),
    db
      .prepare(
        `INSERT INTO webhook_deliveries (event_id, webhook_id, seq, resource_id, state, attempts, next_attempt_at, created)
         VALUES (?1, ?2, ?3, ?4, 'pending', 0, ?5, ?5)`,
      )
      .bind(id, webhookId, seq, resource, created),
  ]);
  return id;
}

interface Failing {
  id: string;
  url: string;
  state: string;
  since: string;
  failedAttempts: number;
  pending: number;
  deadLettered: number;
  lastError: { at: string; status: number | null; error: string } | null;
  actions: string[];
}

async function failingOf(id: string): Promise<Failing | undefined> {
  const admin = await adminClient("globex");
  const res = await admin.get("/health");
  expect(res.status).toBe(200);
  const body = (await res.json()) as { state: string; eventEndpoints: { failing: Failing[] } };
  expect(body.state).toBeTypeOf("string"); // the SCIM connection's health is still there
  return body.eventEndpoints.failing.find((f) => f.id === id);
}

describe("failing event endpoints in the health view (issue 19)", () => {
  it("shows failing since when with the last error and what to do; dead-lettered events keep it listed; disabled says so", async () => {
    const admin = await adminClient("globex");
    const added = (await (
      await admin.post("/webhooks", { url: "https://hooks.example.com/health?key=s3cret", format: "set" })
    ).json()) as { id: string };
    expect(await failingOf(added.id)).toBeUndefined();

    // One event 25 h old (its failure dead-letters it) and one recent (retried later).
    await pendingEvent(added.id, 25 * 3600_000);
    await pendingEvent(added.id, 1_000);
    await dispatchDue(tenantDb("globex"), {
      sealer,
      allowLoopbackHttp: false,
      fetcher: answering(503),
      budgetMs: 2_000,
    });
    const failing = (await failingOf(added.id))!;
    expect(failing).toMatchObject({
      state: "failing",
      url: "https://hooks.example.com/health?…",
      failedAttempts: 2,
      pending: 1,
      deadLettered: 1,
      lastError: { status: 503, error: "HTTP 503" },
    });
    expect(Date.parse(failing.since)).toBeGreaterThan(Date.now() - 60_000);
    expect(failing.actions.join(" ")).toMatch(/answer 202 within 5 seconds/);
    expect(failing.actions.join(" ")).toMatch(/POST \/t\/globex\/events\/poll/);
    // The setting is named as the admin finds it on the Settings page, not by its key.
    expect(failing.actions.join(" ")).toContain('(Settings, "Keep events for")');
    expect(failing.actions.join(" ")).not.toContain("eventRetentionDays");
    expect(JSON.stringify(failing)).not.toContain("s3cret");

    // The receiver answers again: no longer failing, but its dead-lettered event keeps it listed.
    await tenantDb("globex")
      .prepare("UPDATE webhook_deliveries SET next_attempt_at = ?2 WHERE webhook_id = ?1 AND state = 'pending'")
      .bind(added.id, new Date(Date.now() - 1_000).toISOString())
      .run();
    await dispatchDue(tenantDb("globex"), {
      sealer,
      allowLoopbackHttp: false,
      fetcher: answering(202),
      budgetMs: 2_000,
    });
    expect(await failingOf(added.id)).toMatchObject({
      state: "dead-lettered",
      failedAttempts: 0,
      pending: 0,
      deadLettered: 1,
    });

    // Disabled (as the cron does after 3 days): listed as disabled, with the way back.
    await tenantDb("globex")
      .prepare("UPDATE webhooks SET disabled_at = ?2, failing_since = ?2 WHERE id = ?1")
      .bind(added.id, new Date().toISOString())
      .run();
    const disabled = (await failingOf(added.id))!;
    expect(disabled.state).toBe("disabled");
    expect(disabled.actions.join(" ")).toMatch(/delete the endpoint and add it again/);
    expect((await admin.del(`/webhooks/${added.id}`)).status).toBe(204);
    expect(await failingOf(added.id)).toBeUndefined();
  });
});
