import type { Env } from "../platform/env";
import { tenantDatabase, tenantsOf } from "../tenants/resolve";
import { MAX_SWEEP_ATTEMPTS, REDELIVERY_GRACE_MS, type EventBus } from "../events/outbox";

/** Rows re-sent per tenant per sweep; the rest wait for the next minute. */
const SWEEP_BATCH = 500;

/**
 * Cron: every outbox row still undelivered after the grace period is sent again (the send after
 * commit failed, or the consumer crashed before marking it). Rows that keep failing stop being
 * re-sent after MAX_SWEEP_ATTEMPTS and stay visible to operators.
 */
export async function sweep(env: Env, bus: EventBus, now = Date.now()): Promise<number> {
  let resent = 0;
  const before = new Date(now - REDELIVERY_GRACE_MS).toISOString();
  for (const tenant of tenantsOf(env)) {
    const db = tenantDatabase(env, tenant);
    if (!db) continue;
    const { results } = await db
      .prepare(
        `UPDATE outbox SET attempts = attempts + 1
         WHERE id IN (SELECT id FROM outbox WHERE delivered IS NULL AND created < ?1 AND attempts < ?2 ORDER BY created LIMIT ?3)
         RETURNING id`,
      )
      .bind(before, MAX_SWEEP_ATTEMPTS, SWEEP_BATCH)
      .all<{ id: string }>();
    if (results.length === 0) continue;
    await bus.publish({ v: 1, tenant, ids: results.map((r) => r.id) });
    resent += results.length;
  }
  return resent;
}
