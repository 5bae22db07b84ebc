/** Rows deleted per tenant and table per visit: a backlog drains over a few visits without a long write. */
export const PRUNE_BATCH = 10_000;

/**
 * The retention cut-off is computed inside the statement from the tenant's setting (default 30
 * days), so pruning needs no read of the settings.
 */
const pruneStatement = (table: "activity" | "activity_noise") => `
  DELETE FROM ${table} WHERE rowid IN (
    SELECT rowid FROM ${table}
    WHERE at < strftime('%Y-%m-%dT%H:%M:%fZ', ?1, 'unixepoch',
      '-' || coalesce((SELECT CAST(value AS INTEGER) FROM settings WHERE key = 'activityRetentionDays'), 30) || ' days')
    LIMIT ?2)`;

/** Deletes activity records and counts older than the tenant's retention (run by src/fleet/tenant-cron.ts). */
export const pruneActivityStatements = (db: D1Database, now: number) => [
  db.prepare(pruneStatement("activity")).bind(now / 1000, PRUNE_BATCH),
  db.prepare(pruneStatement("activity_noise")).bind(now / 1000, PRUNE_BATCH),
];
