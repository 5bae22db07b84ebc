import { pruneActivityStatements, PRUNE_BATCH } from "../activity/retention";
import { sweepStatement, waitingStatement } from "../delivery/sweep";
import type { EventBus } from "../events/outbox";
import type { Env } from "../platform/env";
import { disableLongFailing, EVENT_PRUNE_BATCH, pruneEventsStatements } from "../webhooks/cron";
import { dispatchDue, longFailingStatement } from "../webhooks/dispatch";
import { dispatchOptions } from "../webhooks/options";

/** The cron's share of a minute for one tenant's event retries. */
const CRON_PUSH_BUDGET_MS = 20_000;
/**
 * A tenant with something still waiting is due again at once, i.e. on the cron's next run (the
 * next minute on Cloudflare; sooner where a test fires the cron faster).
 */
const AGAIN_MS = 0;

export interface TenantVisit {
  /** The tenant was marked: outbox rows or retries waiting. */
  work: boolean;
  /** The tenant's daily turn: retention pruning (and a sweep, in case a mark was lost). */
  prune: boolean;
}

/**
 * One tenant's cron work: ONE D1 batch sweeps the outbox, reads what is still waiting (outbox
 * rows, event retries, a roles recompute) and the endpoints failing for 3 days; retries are dispatched only when one is due; on its daily turn
 * one more batch prunes activity and events. Returns when the tenant needs the cron again (null:
 * nothing waits). Throws what D1 throws: the caller records it for this tenant alone.
 */
export async function visitTenant(
  env: Env,
  db: D1Database,
  tenant: string,
  bus: EventBus,
  visit: TenantVisit,
  now: number,
): Promise<number | null> {
  const [swept, waiting, failing] = await db.batch([
    sweepStatement(db, now),
    waitingStatement(db),
    longFailingStatement(db, now),
  ]);
  const ids = (swept.results as { id: string }[]).map((r) => r.id);
  if (ids.length) await bus.publish({ v: 1, tenant, ids });
  const endpoints = failing.results as { id: string; url: string; failing_since: string }[];
  if (endpoints.length) await disableLongFailing(db, tenant, bus, endpoints, now);
  const w = waiting.results[0] as { outbox: string | null; delivery: string | null; roles: number };
  let next: number | null = w.outbox || w.roles ? now + AGAIN_MS : null;
  // Users still marked for a roles recompute whose Queue message was lost: a message restarts it.
  if (w.roles) await bus.publish({ v: 1, tenant, ids: [] });
  if (w.delivery) {
    // A claimed delivery holds its lease as `<ISO time>~<claim id>` (webhooks/dispatch.ts).
    const parsed = Date.parse(w.delivery.slice(0, 24));
    const due = Number.isFinite(parsed) ? parsed : now + AGAIN_MS;
    if (due <= now) {
      await dispatchDue(db, dispatchOptions(env, tenant, CRON_PUSH_BUDGET_MS));
      next = now + AGAIN_MS;
    } else next = Math.min(next ?? due, due);
  }
  if (visit.prune) {
    const results = await db.batch([...pruneActivityStatements(db, now), ...pruneEventsStatements(db, now)]);
    const full = results.some((r, i) => r.meta.changes >= (i < 2 ? PRUNE_BATCH : EVENT_PRUNE_BATCH));
    // A backlog larger than one batch is pruned on the following minutes, not all at once.
    if (full) next = Math.min(next ?? now + AGAIN_MS, now + AGAIN_MS);
  }
  return next;
}
