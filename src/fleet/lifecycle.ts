import { commit } from "../events/commit";
import { audit, type OutboxEvent } from "../events/types";
import type { Env } from "../platform/env";
import { SUSPENSION_SETTING, type Suspension } from "../tenants/context";

/** What the fleet keeps about operators' actions on tenants, in the shared KV (docs/fleet.md). */
export interface FleetAuditEntry {
  at: string;
  action: "suspend" | "resume" | "import" | "erase";
  tenant: string;
  cell: string;
  detail: Record<string, unknown>;
}

/** KV keys sort by time: `fleet-audit:<ISO time>:<uuid>`; kept for a year. */
export async function recordFleetAudit(env: Env, entry: Omit<FleetAuditEntry, "at" | "cell">): Promise<void> {
  const at = new Date().toISOString();
  const full: FleetAuditEntry = { at, cell: env.CELL ?? "", ...entry };
  await env.TOKENS.put(`fleet-audit:${at}:${crypto.randomUUID()}`, JSON.stringify(full), {
    expirationTtl: 366 * 86_400,
  });
}

export async function currentSuspension(db: D1Database): Promise<Suspension | null> {
  const row = await db
    .prepare("SELECT value FROM settings WHERE key = ?1")
    .bind(SUSPENSION_SETTING)
    .first<{ value: string }>();
  return row ? (JSON.parse(row.value) as Suspension) : null;
}

/**
 * Suspends (or changes the reason of) a tenant: one settings row, read with every token check
 * (tenants/context.ts), so the next SCIM request is refused without any extra read. The tenant's
 * own audit log says so too (its admins see why Entra is refused).
 */
export async function suspendTenant(db: D1Database, reason: string, committed: OutboxEvent[]): Promise<Suspension> {
  const suspension: Suspension = { reason, at: new Date().toISOString() };
  const event = audit("system", "suspension", "Tenant", null, { suspended: true, by: "service provider", reason });
  await commit(
    { db, committed },
    [
      db
        .prepare(
          "INSERT INTO settings (key, value) VALUES (?1, ?2) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        )
        .bind(SUSPENSION_SETTING, JSON.stringify(suspension)),
    ],
    [event],
  );
  return suspension;
}

/** Resumes a suspended tenant; false when it was not suspended (nothing changed). */
export async function resumeTenant(db: D1Database, committed: OutboxEvent[]): Promise<boolean> {
  const event = audit("system", "suspension", "Tenant", null, { suspended: false, by: "service provider" });
  const [deleted] = await commit(
    { db, committed },
    [db.prepare("DELETE FROM settings WHERE key = ?1").bind(SUSPENSION_SETTING)],
    [event],
    { ifLastChanged: true },
  );
  return deleted.meta.changes > 0;
}
