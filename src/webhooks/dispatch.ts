import { SEAL_PURPOSE, type Sealer } from "../platform/seal";
import { DISABLE_AFTER_MS, nextAttemptAt } from "./backoff";
import { type Attempt, type Endpoint, SEND_TIMEOUT_MS, sendEvent } from "./send";
import { currentSigningKey, eventOfRow, type StoredEvent } from "./store";

/** Deliveries claimed per round, and sent at once (Workers allow 6 open connections per request). */
const CLAIM = 24;
const PARALLEL = 6;
/** A claimed delivery is not claimed again before this (longer than one send can take). */
const LEASE_MS = SEND_TIMEOUT_MS * 6;

export interface DispatchOptions {
  /** Opens the tenant's sealed secrets (the json endpoints' HMAC secrets, the SET signing key). */
  sealer: Sealer;
  /** The loopback exception of local runs, checked at each send (src/webhooks/send.ts). */
  allowLoopbackHttp: boolean;
  /** Stop claiming after this long (the consumer and the cron share the Worker's time). */
  budgetMs?: number;
  /** Tests shorten the retry schedule (var WEBHOOKS_RETRY_BASE_MS); never set in wrangler.toml. */
  retryBaseMs?: number;
  fetcher?: typeof fetch;
}

interface Claimed extends StoredEvent {
  webhook_id: string;
  attempts: number;
  url: string;
  format: "set" | "json";
  secret: string | null;
  issuer: string;
}

/**
 * Sends what is due: pending deliveries whose time has come, of enabled endpoints, and only the
 * earliest pending event of each resource per endpoint (commit order per resource: a later
 * event waits behind a failing earlier one). A claim is a lease written in the same batch that
 * reads the claimed rows, so the consumer and the cron never send one delivery twice at once;
 * a lease left by a crash expires and the delivery is sent again (at least once).
 */
export async function dispatchDue(db: D1Database, opts: DispatchOptions): Promise<number> {
  const started = Date.now();
  const budget = opts.budgetMs ?? 20_000;
  let sent = 0;
  let key: Awaited<ReturnType<typeof currentSigningKey>> | null | undefined;
  while (Date.now() - started < budget) {
    const now = Date.now();
    const claim = `${new Date(now + LEASE_MS).toISOString()}~${crypto.randomUUID()}`;
    const [, claimed] = await db.batch([
      db
        .prepare(
          `UPDATE webhook_deliveries SET next_attempt_at = ?3 WHERE rowid IN (
             SELECT d.rowid FROM webhook_deliveries d JOIN webhooks w ON w.id = d.webhook_id
             WHERE d.state = 'pending' AND d.next_attempt_at <= ?1 AND w.disabled_at IS NULL
               AND NOT EXISTS (SELECT 1 FROM webhook_deliveries p WHERE p.webhook_id = d.webhook_id
                 AND p.resource_id = d.resource_id AND p.state = 'pending' AND p.seq < d.seq)
             ORDER BY d.seq LIMIT ?2)`,
        )
        .bind(new Date(now).toISOString(), CLAIM, claim),
      db
        .prepare(
          `SELECT e.*, d.webhook_id, d.attempts, w.url, w.format, w.secret, w.issuer
           FROM webhook_deliveries d JOIN security_events e ON e.id = d.event_id JOIN webhooks w ON w.id = d.webhook_id
           WHERE d.next_attempt_at = ?1 AND d.state = 'pending' ORDER BY d.seq`,
        )
        .bind(claim),
    ]);
    const rows = claimed.results as unknown as Claimed[];
    if (rows.length === 0) break;
    if (key === undefined && rows.some((r) => r.format === "set")) {
      key = await currentSigningKey(db, opts.sealer).catch((e) => unopened(e));
    }
    const outcomes: { row: Claimed; attempt: Attempt; at: number }[] = [];
    for (let i = 0; i < rows.length; i += PARALLEL) {
      const part = rows.slice(i, i + PARALLEL);
      outcomes.push(
        ...(await Promise.all(
          part.map(async (row) => {
            const at = Date.now();
            const secret = row.secret
              ? await opts.sealer.open(SEAL_PURPOSE.webhookSecret(row.webhook_id), row.secret).catch(unopened)
              : null;
            const endpoint: Endpoint = {
              id: row.webhook_id,
              url: row.url,
              format: row.format,
              secret,
              issuer: row.issuer,
            };
            return { row, at, attempt: await sendEvent(endpoint, eventOfRow(row), key ?? null, opts) };
          }),
        )),
      );
    }
    await db.batch(
      outcomes.flatMap(({ row, attempt, at }) => resultStatements(db, row, attempt, at, opts.retryBaseMs)),
    );
    sent += outcomes.length;
  }
  return sent;
}

/**
 * A secret that does not open (SEAL_KEYS missing or without its key id) is logged, and the
 * delivery fails with that reason (src/webhooks/send.ts) and is retried.
 */
function unopened(e: unknown): null {
  console.error(JSON.stringify({ msg: "a sealed secret did not open", error: String(e) }));
  return null;
}

function resultStatements(db: D1Database, row: Claimed, a: Attempt, at: number, retryBaseMs?: number) {
  const atIso = new Date(at).toISOString();
  const attempts = row.attempts + 1;
  const log = db
    .prepare(
      "INSERT INTO webhook_attempts (webhook_id, event_id, at, status, latency_ms, error) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )
    .bind(row.webhook_id, row.id, atIso, a.status, a.latencyMs, a.error);
  if (a.ok) {
    return [
      log,
      db
        .prepare(
          `UPDATE webhook_deliveries SET state = 'delivered', attempts = ?3, delivered_at = ?4, last_status = ?5, last_error = NULL,
             next_attempt_at = NULL WHERE event_id = ?1 AND webhook_id = ?2`,
        )
        .bind(row.id, row.webhook_id, attempts, atIso, a.status),
      db.prepare("UPDATE webhooks SET failing_since = NULL WHERE id = ?1").bind(row.webhook_id),
    ];
  }
  const next = nextAttemptAt(Date.parse(row.created), attempts, Date.now(), retryBaseMs);
  return [
    log,
    db
      .prepare(
        `UPDATE webhook_deliveries SET state = ?3, attempts = ?4, next_attempt_at = ?5, last_status = ?6, last_error = ?7
         WHERE event_id = ?1 AND webhook_id = ?2`,
      )
      .bind(
        row.id,
        row.webhook_id,
        next === null ? "dead" : "pending",
        attempts,
        next === null ? null : new Date(next).toISOString(),
        a.status,
        a.error,
      ),
    db
      .prepare("UPDATE webhooks SET failing_since = coalesce(failing_since, ?2) WHERE id = ?1")
      .bind(row.webhook_id, atIso),
  ];
}

/** Endpoints failing (no success) for 3 days, not yet disabled: the cron disables them with an audit entry. */
export const longFailingStatement = (db: D1Database, now: number) =>
  db
    .prepare("SELECT id, url, failing_since FROM webhooks WHERE disabled_at IS NULL AND failing_since < ?1")
    .bind(new Date(now - DISABLE_AFTER_MS).toISOString());
