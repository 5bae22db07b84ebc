import { commit } from "../events/commit";
import { type EventBus, publishQuietly } from "../events/outbox";
import { audit, type OutboxEvent } from "../events/types";
import { redactedUrl } from "./redact";

/** Rows pruned per table and tenant per visit. */
export const EVENT_PRUNE_BATCH = 5_000;

const prune = (table: string, column: string) => `
  DELETE FROM ${table} WHERE rowid IN (SELECT rowid FROM ${table} WHERE ${column} < strftime('%Y-%m-%dT%H:%M:%fZ', ?1, 'unixepoch',
    '-' || coalesce((SELECT CAST(value AS INTEGER) FROM settings WHERE key = 'eventRetentionDays'), 7) || ' days') LIMIT ?2)`;

/** Forgets events, deliveries and attempts older than the tenant's `eventRetentionDays` (src/fleet/tenant-cron.ts). */
export const pruneEventsStatements = (db: D1Database, now: number) => [
  db.prepare(prune("security_events", "created")).bind(now / 1000, EVENT_PRUNE_BATCH),
  db.prepare(prune("webhook_deliveries", "created")).bind(now / 1000, EVENT_PRUNE_BATCH),
  db.prepare(prune("webhook_attempts", "at")).bind(now / 1000, EVENT_PRUNE_BATCH),
];

/** Endpoints failing for 3 days (longFailingStatement's rows) are disabled, each with an audit entry. */
export async function disableLongFailing(
  db: D1Database,
  tenant: string,
  bus: EventBus,
  endpoints: { id: string; url: string; failing_since: string }[],
  now: number,
): Promise<void> {
  const committed: OutboxEvent[] = [];
  for (const w of endpoints) {
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
