import type { AuditEvent } from "../events/types";
import { eventsOf } from "./derive";
import { recordEventsStatements } from "./store";

/** True for D1's error when a table is missing: a tenant database not yet migrated to 0008. */
export const missingTable = (e: unknown) => /no such table/i.test(String(e));

/**
 * The security events of committed audit entries (with their outbox rowids, the commit order)
 * and their pending deliveries. A database not yet migrated for events (migration 0008 is
 * applied tenant by tenant) records none, and the audit log is not held back.
 */
export async function recordSecurityEvents(db: D1Database, audits: { audit: AuditEvent; rowid: number }[]) {
  const events = audits.flatMap(({ audit, rowid }) => eventsOf(audit, rowid));
  if (events.length === 0) return;
  try {
    await db.batch(recordEventsStatements(db, events, new Date().toISOString()));
  } catch (e) {
    if (!missingTable(e)) throw e;
  }
}
