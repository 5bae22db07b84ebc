import type { EventBus } from "../events/outbox";
import { RECOMPUTE_BATCH, recomputeRound } from "./recompute";

/** Rounds one consumer invocation runs for a tenant before handing the rest to the next message. */
const ROUNDS_PER_MESSAGE = 4;

/**
 * The background recompute, driven by the Queue (docs/roles.md): a few bounded rounds, each
 * round's events sent on at once, and, while users are left, a message that brings the consumer
 * back for the next rounds. A lost message costs nothing: the cron looks for marked users too.
 */
export async function recomputeInBackground(
  db: D1Database,
  tenant: string,
  catalog: Iterable<string>,
  bus: EventBus,
): Promise<number> {
  let done = 0;
  for (let round = 0; round < ROUNDS_PER_MESSAGE; round++) {
    const r = await recomputeRound(db, catalog, RECOMPUTE_BATCH);
    done += r.read;
    if (r.eventIds.length) await bus.publish({ v: 1, tenant, ids: r.eventIds });
    if (!r.more) return done;
  }
  await bus.publish({ v: 1, tenant, ids: [] });
  return done;
}

/** Cron: a tenant with users still marked gets a message that starts their recompute. */
export async function hasPendingRecompute(db: D1Database): Promise<boolean> {
  try {
    return (await db.prepare("SELECT 1 AS n FROM role_dirty LIMIT 1").first()) !== null;
  } catch {
    return false; // not migrated for roles yet
  }
}
