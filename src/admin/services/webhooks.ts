import { z } from "zod";
import { commit } from "../../events/commit";
import { audit } from "../../events/types";
import { SEAL_PURPOSE, type Sealer } from "../../platform/seal";
import type { TenantContext } from "../../tenants/context";
import { redactedUrl } from "../../webhooks/redact";
import { type Attempt, sendEvent } from "../../webhooks/send";
import { newWebhookSecret } from "../../webhooks/sign";
import { currentSigningKey, publishedKeys, rotateSigningKeyStatements } from "../../webhooks/store";
import { EVENT_TYPES, type SecurityEvent } from "../../webhooks/types";
import { endpointStreamId } from "../../webhooks/poll-tokens";
import { webhookUrlProblem } from "../../webhooks/url";
import { adminError, TooSoon } from "../errors";

/** For the console's add-endpoint form. */
export { EVENT_TYPES };

/** Endpoints per tenant: each one multiplies every change's deliveries. */
export const MAX_WEBHOOKS = 20;

export const newWebhook = z
  .object({
    url: z.string().trim().min(1).max(2_000),
    format: z.enum(["set", "json"]),
    /** Absent or null: every event type. */
    events: z.array(z.enum(EVENT_TYPES)).min(1).max(EVENT_TYPES.length).nullable().optional(),
  })
  .strict();
export type NewWebhook = z.infer<typeof newWebhook>;

export const deliveriesQuery = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(50),
});

interface WebhookRow {
  id: string;
  url: string;
  format: "set" | "json";
  events: string | null;
  secret: string | null;
  issuer: string;
  created: string;
  disabled_at: string | null;
  failing_since: string | null;
  pending?: number;
  dead?: number;
}

/** What the API shows of an endpoint: never its secret. */
const view = (r: WebhookRow) => ({
  id: r.id,
  url: r.url,
  format: r.format,
  events: r.events ? (JSON.parse(r.events) as string[]) : null,
  created: r.created,
  disabledAt: r.disabled_at,
  failingSince: r.failing_since,
  ...(r.pending === undefined ? {} : { pending: r.pending, deadLettered: r.dead ?? 0 }),
});
export type WebhookView = ReturnType<typeof view>;

const LIST_SQL = `SELECT w.*,
  (SELECT count(*) FROM webhook_deliveries d WHERE d.webhook_id = w.id AND d.state = 'pending') AS pending,
  (SELECT count(*) FROM webhook_deliveries d WHERE d.webhook_id = w.id AND d.state = 'dead') AS dead
  FROM webhooks w`;

export async function listWebhooks(db: D1Database): Promise<WebhookView[]> {
  const { results } = await db.prepare(`${LIST_SQL} ORDER BY w.created`).all<WebhookRow>();
  return results.map(view);
}

export async function getWebhook(db: D1Database, id: string): Promise<WebhookView> {
  const row = await db.prepare(`${LIST_SQL} WHERE w.id = ?1`).bind(id).first<WebhookRow>();
  if (!row) throw adminError(404, `No event endpoint ${id.slice(0, 100)}.`);
  return view(row);
}

/**
 * Refusals change nothing: a URL that is not https or names a private, loopback or link-local
 * host (src/webhooks/url.ts), an unknown event type (the schema), more than MAX_WEBHOOKS.
 */
export async function addWebhook(
  t: TenantContext,
  sealer: Sealer,
  input: NewWebhook,
  opts: { allowLoopbackHttp: boolean; issuer: string },
): Promise<WebhookView & { secret?: string }> {
  const problem = webhookUrlProblem(input.url, opts.allowLoopbackHttp);
  if (problem) throw adminError(400, problem, "url");
  const url = new URL(input.url).href;
  const id = crypto.randomUUID();
  const secret = input.format === "json" ? newWebhookSecret() : null;
  // Stored sealed (docs/secrets.md): the clear secret is in this answer only.
  const stored = secret && (await sealer.seal(SEAL_PURPOSE.webhookSecret(id), secret));
  const now = new Date().toISOString();
  const events = input.events ? JSON.stringify([...new Set(input.events)]) : null;
  const event = audit("admin", "webhook", "Tenant", null, {
    added: id,
    url: redactedUrl(url),
    format: input.format,
    events: input.events ?? "all",
  });
  const [res] = await commit(
    t,
    [
      t.db
        .prepare(
          `INSERT INTO webhooks (id, url, format, events, secret, issuer, created)
           SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7 WHERE (SELECT count(*) FROM webhooks) < ?8`,
        )
        .bind(id, url, input.format, events, stored, opts.issuer, now, MAX_WEBHOOKS),
    ],
    [event],
    { ifLastChanged: true },
  );
  if (res.meta.changes === 0) {
    throw adminError(400, `A tenant has at most ${MAX_WEBHOOKS} event endpoints; delete one first.`);
  }
  const row: WebhookRow = {
    id,
    url,
    format: input.format,
    events,
    secret,
    issuer: opts.issuer,
    created: now,
    disabled_at: null,
    failing_since: null,
  };
  return { ...view(row), ...(secret ? { secret } : {}) };
}

/**
 * The endpoint, what was still to be sent to it, its poll tokens and its poll position go (a
 * deleted endpoint's token is refused either way; this keeps no hash of it); its attempts stay
 * until pruned.
 */
export async function deleteWebhook(t: TenantContext, id: string): Promise<void> {
  const event = audit("admin", "webhook", "Tenant", null, { deleted: id.slice(0, 100) });
  const results = await commit(
    t,
    [
      t.db.prepare("DELETE FROM webhook_deliveries WHERE webhook_id = ?1").bind(id),
      t.db.prepare("DELETE FROM poll_tokens WHERE webhook_id = ?1").bind(id),
      t.db.prepare("DELETE FROM poll_streams WHERE id = ?1").bind(endpointStreamId(id)),
      // last, so the audit event is written only if the endpoint existed (ifLastChanged)
      t.db.prepare("DELETE FROM webhooks WHERE id = ?1").bind(id),
    ],
    [event],
    { ifLastChanged: true },
  );
  const res = results.at(-1);
  if (!res || res.meta.changes === 0) throw adminError(404, `No event endpoint ${id.slice(0, 100)}.`);
}

/** One test event per endpoint per this interval: each one is an outbound POST the admin triggers. */
export const TEST_EVENT_INTERVAL_MS = 10_000;

/**
 * "Send test event": one synthetic event now, outside the retry schedule; the attempt is
 * recorded. The attempt row is written first, in one statement that also checks that no test
 * of this endpoint started within TEST_EVENT_INTERVAL_MS, so two clicks at once send one event.
 */
export async function testWebhook(
  db: D1Database,
  sealer: Sealer,
  id: string,
  opts: { allowLoopbackHttp: boolean },
): Promise<Attempt & { eventId: string }> {
  const row = await db
    .prepare(
      "SELECT id, url, format, events, secret, issuer, created, disabled_at, failing_since FROM webhooks WHERE id = ?1",
    )
    .bind(id)
    .first<WebhookRow>();
  if (!row) throw adminError(404, `No event endpoint ${id.slice(0, 100)}.`);
  const eventId = `test-${crypto.randomUUID()}`;
  const started = Date.now();
  const now = new Date(started).toISOString();
  const claimed = await db
    .prepare(
      `INSERT INTO webhook_attempts (webhook_id, event_id, at, status, latency_ms, error)
       SELECT ?1, ?2, ?3, NULL, 0, 'sending' WHERE NOT EXISTS (SELECT 1 FROM webhook_attempts
         WHERE webhook_id = ?1 AND at > ?4 AND event_id LIKE 'test-%')`,
    )
    .bind(id, eventId, now, new Date(started - TEST_EVENT_INTERVAL_MS).toISOString())
    .run();
  if (!claimed.meta.changes) throw await tooSoon(db, id, started);
  const event: SecurityEvent = {
    id: eventId,
    seq: 0,
    type: "user.modified",
    resourceType: "User",
    resourceId: "00000000-0000-0000-0000-000000000000",
    externalId: null,
    created: now,
    data: { id: "00000000-0000-0000-0000-000000000000", userName: "test@example.invalid", attributes: ["test"] },
  };
  const key = row.format === "set" ? await currentSigningKey(db, sealer) : null;
  const secret = row.secret && (await sealer.open(SEAL_PURPOSE.webhookSecret(id), row.secret));
  const attempt = await sendEvent({ ...row, secret }, event, key, opts);
  await db
    .prepare(
      "UPDATE webhook_attempts SET status = ?3, latency_ms = ?4, error = ?5 WHERE webhook_id = ?1 AND event_id = ?2",
    )
    .bind(id, eventId, attempt.status, attempt.latencyMs, attempt.error)
    .run();
  return { eventId, ...attempt };
}

async function tooSoon(db: D1Database, id: string, nowMs: number): Promise<TooSoon> {
  const last = await db
    .prepare("SELECT max(at) AS at FROM webhook_attempts WHERE webhook_id = ?1 AND event_id LIKE 'test-%'")
    .bind(id)
    .first<{ at: string | null }>();
  const wait = Math.max(1, Math.ceil((Date.parse(last?.at ?? "") + TEST_EVENT_INTERVAL_MS - nowMs) / 1000) || 1);
  return new TooSoon(`A test event was sent to this endpoint less than 10 s ago; try again in ${wait} s.`, wait);
}

/** Each attempt (time, status, latency, error) with its event's state and next retry; newest first. */
export async function listDeliveries(db: D1Database, id: string, limit: number) {
  await getWebhook(db, id);
  const { results } = await db
    .prepare(
      `SELECT a.at, a.event_id AS eventId, e.type, a.status, a.latency_ms AS latencyMs, a.error,
              d.state, d.attempts, CASE WHEN d.state = 'pending' THEN substr(d.next_attempt_at, 1, 24) END AS nextAttemptAt
       FROM webhook_attempts a
       LEFT JOIN webhook_deliveries d ON d.event_id = a.event_id AND d.webhook_id = a.webhook_id
       LEFT JOIN security_events e ON e.id = a.event_id
       WHERE a.webhook_id = ?1 ORDER BY a.id DESC LIMIT ?2`,
    )
    .bind(id, limit)
    .all();
  return results;
}

export const jwks = (db: D1Database, sealer: Sealer) => publishedKeys(db, sealer);

/** A new signing key from now on; the old one stays in the JWKS for a day. */
export async function rotateJwks(t: TenantContext, sealer: Sealer): Promise<{ kid: string; keys: JsonWebKey[] }> {
  const now = new Date().toISOString();
  const { kid, statements } = await rotateSigningKeyStatements(t.db, sealer, now);
  await commit(t, statements, [audit("admin", "webhook", "Tenant", null, { rotatedSigningKey: kid })]);
  return { kid, ...(await publishedKeys(t.db, sealer)) };
}
