import { MAX_SWEEP_ATTEMPTS, REDELIVERY_GRACE_MS } from "../events/outbox";

/** Rows re-sent per tenant per sweep; the rest wait for the next minute. */
export const SWEEP_BATCH = 500;

/**
 * The outbox sweep of one tenant (run by the cron, src/fleet/tenant-cron.ts): every row still
 * undelivered after the grace period is counted as one more attempt and returned, to be sent
 * again (the send after commit failed, or the consumer crashed before marking it). Rows that keep
 * failing stop being re-sent after MAX_SWEEP_ATTEMPTS and stay visible to operators.
 */
export const sweepStatement = (db: D1Database, now: number) =>
  db
    .prepare(
      `UPDATE outbox SET attempts = attempts + 1
       WHERE id IN (SELECT id FROM outbox WHERE delivered IS NULL AND created < ?1 AND attempts < ?2 ORDER BY created LIMIT ?3)
       RETURNING id`,
    )
    .bind(new Date(now - REDELIVERY_GRACE_MS).toISOString(), MAX_SWEEP_ATTEMPTS, SWEEP_BATCH);

/**
 * What is still waiting after the sweep: the oldest undelivered outbox row that will be tried
 * again, the earliest pending event delivery of an enabled endpoint, and whether users still
 * wait for their effective roles (src/roles/background.ts). Each reads an index or one row.
 */
export const waitingStatement = (db: D1Database) =>
  db
    .prepare(
      `SELECT (SELECT min(created) FROM outbox WHERE delivered IS NULL AND attempts < ?1) AS outbox,
        (SELECT min(d.next_attempt_at) FROM webhook_deliveries d JOIN webhooks w ON w.id = d.webhook_id
          WHERE d.state = 'pending' AND w.disabled_at IS NULL) AS delivery,
        EXISTS (SELECT 1 FROM role_dirty) AS roles`,
    )
    .bind(MAX_SWEEP_ATTEMPTS);
