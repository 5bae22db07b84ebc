import { runWrites } from "../db/writes";
import { outboxStatement } from "./outbox";
import { type OutboxEvent, type Principal, attributed } from "./types";

/** Where a commit happens and where its committed events go (a request's TenantContext, or a Durable Object's list). */
export interface CommitTarget {
  db: D1Database;
  committed: OutboxEvent[];
  /** The admin behind the request, who the audit entries name (events/types.ts `attributed`). */
  principal?: Principal;
}

export interface CommitOptions {
  /**
   * Write the events only if the last write changed a row: an optimistic UPDATE (version
   * check) that lost its race, or an INSERT OR IGNORE that found the row, writes no event.
   */
  ifLastChanged?: boolean;
}

/**
 * The one commit path for writes and their events (transactional outbox, docs/design.md):
 * the outbox insert joins the writes' batch, so they commit together or not at all; a unique
 * violation becomes its 409 `uniqueness` (db/writes.ts); the events that were written are
 * recorded for the Queue, which gets them after the response (http/tenant.ts). Returns the
 * writes' results, in their order.
 */
export async function commit(
  target: CommitTarget,
  writes: D1PreparedStatement[],
  written: OutboxEvent[],
  opts: CommitOptions = {},
): Promise<D1Result[]> {
  const events = written.map((e) => attributed(e, target.principal));
  if (events.length === 0) return runWrites(target.db, writes);
  const results = await runWrites(target.db, [
    ...writes,
    outboxStatement(target.db, events, { ifPreviousChanged: opts.ifLastChanged }),
  ]);
  const outbox = results.pop() as D1Result;
  if (outbox.meta.changes > 0) target.committed.push(...events);
  return results;
}
