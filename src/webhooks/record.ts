import type { AuditEvent } from "../events/types";
import { eventsOf } from "./derive";
import { recordEventsStatements } from "./store";
import type { RoleValue, SecurityEvent } from "./types";

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
    await withEffectiveRoles(db, events);
    await db.batch(recordEventsStatements(db, events, new Date().toISOString()));
  } catch (e) {
    if (!missingTable(e)) throw e;
  }
}

/**
 * A user event carries the user's effective roles as they are when it is recorded (one read a
 * batch); a change the event's own write causes follows as its `user.roles_changed` (docs/roles.md).
 */
async function withEffectiveRoles(db: D1Database, events: SecurityEvent[]): Promise<void> {
  const users = events.filter((e) => e.resourceType === "User" && e.type !== "user.roles_changed");
  if (users.length === 0) return;
  let results: { user_id: string; roles: string }[];
  try {
    ({ results } = await db
      .prepare("SELECT user_id, roles FROM user_roles WHERE user_id IN (SELECT value FROM json_each(?1))")
      .bind(JSON.stringify([...new Set(users.map((e) => e.resourceId))]))
      .all<{ user_id: string; roles: string }>());
  } catch (e) {
    if (missingTable(e)) return; // not migrated for roles yet (0010): the events go without them
    throw e;
  }
  const byUser = new Map(results.map((r) => [r.user_id, JSON.parse(r.roles) as RoleValue[]]));
  for (const e of users) e.data.roles = byUser.get(e.resourceId) ?? [];
}
