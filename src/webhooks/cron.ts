import { tenantsOf } from "../tenants/resolve";
import { commit } from "../events/commit";
import { type EventBus, publishQuietly } from "../events/outbox";
import { audit, type OutboxEvent } from "../events/types";
import type { Env } from "../platform/env";
import { tenantDatabase } from "../tenants/resolve";
import { dispatchDue, longFailingStatement } from "./dispatch";
import { dispatchOptions } from "./options";
import { missingTable } from "./record";
import { redactedUrl } from "./redact";

/** Rows pruned per table and tenant per minute. */
const PRUNE_BATCH = 5_000;
/** The cron's share of a minute for retries, per tenant. */
const CRON_PUSH_BUDGET_MS = 20_000;

const prune = (table: string, column: string) => `
  DELETE FROM ${table} WHERE rowid IN (SELECT rowid FROM ${table} WHERE ${column} < strftime('%Y-%m-%dT%H:%M:%fZ', ?1, 'unixepoch',
    '-' || coalesce((SELECT CAST(value AS INTEGER) FROM settings WHERE key = 'eventRetentionDays'), 7) || ' days') LIMIT ?2)`;

/**
 * Cron, per tenant: retries what is due (src/webhooks/backoff.ts), disables endpoints failing
 * for 3 days (with an audit entry), and forgets events, deliveries and attempts older than the
 * tenant's `eventRetentionDays`.
 */
export async function eventsCron(env: Env, bus: EventBus, now = Date.now()): Promise<void> {
  for (const tenant of tenantsOf(env)) {
    const db = tenantDatabase(env, tenant);
    if (!db) continue;
    try {
      await disableLongFailing(db, tenant, bus, now);
      await dispatchDue(db, dispatchOptions(env, tenant, CRON_PUSH_BUDGET_MS));
      await db.batch([
        db.prepare(prune("security_events", "created")).bind(now / 1000, PRUNE_BATCH),
        db.prepare(prune("webhook_deliveries", "created")).bind(now / 1000, PRUNE_BATCH),
        db.prepare(prune("webhook_attempts", "at")).bind(now / 1000, PRUNE_BATCH),
      ]);
    } catch (e) {
      if (!missingTable(e)) console.warn(JSON.stringify({ msg: "events cron failed", tenant, error: String(e) }));
    }
  }
}

async function disableLongFailing(db: D1Database, tenant: string, bus: EventBus, now: number): Promise<void> {
  const { results } = await longFailingStatement(db, now).all<{ id: string; url: string; failing_since: string }>();
  const committed: OutboxEvent[] = [];
  for (const w of results) {
    const event = audit("admin", "webhook", "Tenant", null, {
      disabled: w.id,
      url: redactedUrl(w.url),
      failingSince: w.failing_since,
      reason: "failing for 3 days",
    });
    await commit(
      { db, committed },
      [
        db
          .prepare("UPDATE webhooks SET disabled_at = ?2 WHERE id = ?1 AND disabled_at IS NULL")
          .bind(w.id, new Date(now).toISOString()),
      ],
      [event],
      { ifLastChanged: true },
    );
  }
  await publishQuietly(bus, tenant, committed);
}
