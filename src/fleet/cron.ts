import type { EventBus } from "../events/outbox";
import type { Env } from "../platform/env";
import { tenantDatabase, tenantsOf } from "../tenants/resolve";
import { pruneSlotOf, MINUTES_A_DAY } from "./prune-slot";
import { visitTenant } from "./tenant-cron";
import type { TenantOutcome, WorkRecord } from "./work";

/** Tenants visited at once; each visit is a few D1 round trips, so a bound keeps sockets and CPU in check. */
export const CRON_CONCURRENCY = 16;
/** Marked tenants taken per run; the rest, earliest first, on the next minutes. */
const DUE_PER_RUN = 2_000;

export interface CronReport {
  /** Tenants bound to this cell. */
  tenants: number;
  /** Visited because marked; visited for their daily pruning turn. */
  worked: number;
  pruned: number;
  failed: number;
}

/**
 * The cell's minute (docs/fleet.md, "The cron"): only tenants with work waiting (marked in the
 * cell's record) and the few whose daily pruning turn this minute is are visited, at most
 * CRON_CONCURRENCY at once. Idle tenants cost nothing. One tenant's failure is caught, logged and
 * recorded (tried again with a backoff); every other tenant is still visited. `turnAt` (the
 * trigger's scheduled time) picks the pruning turns; `now` dates what is swept and pruned.
 */
export async function runCron(
  env: Env,
  record: WorkRecord,
  bus: EventBus,
  now: number,
  options: { concurrency?: number; turnAt?: number } = {},
): Promise<CronReport> {
  const concurrency = options.concurrency ?? CRON_CONCURRENCY;
  const bound = tenantsOf(env);
  const known = new Set(bound);
  const marked = await record.due(now, DUE_PER_RUN);
  const minute = Math.floor((options.turnAt ?? now) / 60_000) % MINUTES_A_DAY;
  const turn = new Set(bound.filter((t) => pruneSlotOf(t) === minute));
  const visits = new Map<string, { work: boolean; prune: boolean }>();
  for (const t of marked) visits.set(t, { work: true, prune: turn.has(t) });
  for (const t of turn) if (!visits.has(t)) visits.set(t, { work: false, prune: true });

  const outcomes: TenantOutcome[] = [];
  const queue = [...visits];
  const worker = async () => {
    for (let next = queue.shift(); next; next = queue.shift()) {
      const [tenant, visit] = next;
      const db = known.has(tenant) ? tenantDatabase(env, tenant) : undefined;
      // A mark of a tenant no longer bound here (moved, erased) is simply dropped.
      if (!db) {
        outcomes.push({ tenant, ok: true, nextDue: null });
        continue;
      }
      try {
        outcomes.push({ tenant, ok: true, nextDue: await visitTenant(env, db, tenant, bus, visit, now) });
      } catch (e) {
        console.warn(JSON.stringify({ msg: "cron failed for a tenant; tried again later", tenant, error: String(e) }));
        outcomes.push({ tenant, ok: false, error: String(e) });
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, concurrency) }, worker));
  // The visits are done either way; a record that cannot take their outcomes sees them again next minute.
  if (outcomes.length)
    await record
      .settle(outcomes, now)
      .catch((e: unknown) => console.warn(JSON.stringify({ msg: "cron outcomes not recorded", error: String(e) })));
  return {
    tenants: bound.length,
    worked: marked.length,
    pruned: turn.size,
    failed: outcomes.filter((o) => !o.ok).length,
  };
}
