import type { EventBus } from "../events/outbox";
import type { Env } from "../platform/env";
import { hasPendingRecompute } from "../roles/background";
import { tenantDatabase, tenantsOf } from "../tenants/resolve";

/** Cron: a tenant whose recompute lost its message (users still marked) gets a new one. */
export async function rolesCron(env: Env, bus: EventBus): Promise<void> {
  for (const tenant of tenantsOf(env)) {
    const db = tenantDatabase(env, tenant);
    if (db && (await hasPendingRecompute(db))) await bus.publish({ v: 1, tenant, ids: [] });
  }
}
