import type { Env } from "../platform/env";
import { tenantDatabase, tenantsOf } from "../tenants/resolve";

/** Rows deleted per tenant and table per cron run: a backlog drains over a few minutes without a long write. */
const PRUNE_BATCH = 10_000;

/**
 * The retention cut-off is computed inside the statement from the tenant's setting (default 30
 * days), so pruning costs one D1 batch per tenant and no read of the settings.
 */
const pruneStatement = (table: "activity" | "activity_noise") => `
  DELETE FROM ${table} WHERE rowid IN (
    SELECT rowid FROM ${table}
    WHERE at < strftime('%Y-%m-%dT%H:%M:%fZ', ?1, 'unixepoch',
      '-' || coalesce((SELECT CAST(value AS INTEGER) FROM settings WHERE key = 'activityRetentionDays'), 30) || ' days')
    LIMIT ?2)`;

/** Cron: deletes activity records and counts older than each tenant's retention. */
export async function pruneActivity(env: Env, now = Date.now()): Promise<number> {
  let pruned = 0;
  for (const tenant of tenantsOf(env)) {
    const db = tenantDatabase(env, tenant);
    if (!db) continue;
    const results = await db.batch([
      db.prepare(pruneStatement("activity")).bind(now / 1000, PRUNE_BATCH),
      db.prepare(pruneStatement("activity_noise")).bind(now / 1000, PRUNE_BATCH),
    ]);
    pruned += results.reduce((n, r) => n + r.meta.changes, 0);
  }
  return pruned;
}
