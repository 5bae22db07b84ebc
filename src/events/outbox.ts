import type { EventMessage, OutboxEvent } from "./types";

/** Rows left undelivered this long are re-sent by the cron sweep (a Queue send was lost or failed). */
export const REDELIVERY_GRACE_MS = 60_000;
/** After this many sweeps a row is left for an operator: something is wrong beyond a lost send. */
export const MAX_SWEEP_ATTEMPTS = 20;

/**
 * One INSERT for any number of events (one JSON parameter, read with json_each): it goes into
 * the same batch as the change, so the change and its events commit together or not at all.
 * Writes with events go through commit.ts, which adds it.
 */
export function outboxStatement(
  db: D1Database,
  events: OutboxEvent[],
  opts: { ifPreviousChanged?: boolean } = {},
): D1PreparedStatement {
  const rows = events.map((e) => ({ id: e.id, kind: e.kind, payload: JSON.stringify(e), created: e.at }));
  // changes() is the row count of the statement before this one in the batch (trigger rows not
  // counted): an optimistic UPDATE that lost its race writes no event.
  const guard = opts.ifPreviousChanged ? "WHERE changes() > 0" : "";
  return db
    .prepare(
      `INSERT INTO outbox (id, kind, payload, created)
       SELECT json_extract(value, '$.id'), json_extract(value, '$.kind'), json_extract(value, '$.payload'), json_extract(value, '$.created')
       FROM json_each(?1) ${guard}`,
    )
    .bind(JSON.stringify(rows));
}

/** The port for handing committed events to the Queue. */
export interface EventBus {
  publish(message: EventMessage): Promise<void>;
}

export function queueBus(queue: Queue<EventMessage>): EventBus {
  return {
    async publish(m) {
      await queue.send(m, { contentType: "json" });
    },
  };
}

/**
 * Sending after commit may fail; that loses nothing (the rows are in the outbox and the sweep
 * re-sends them), so the failure is logged and swallowed rather than failing a committed write.
 */
export async function publishQuietly(
  bus: EventBus,
  tenant: string,
  events: OutboxEvent[],
  extra: Pick<EventMessage, "activity" | "noise"> = {},
): Promise<void> {
  if (events.length === 0 && !extra.activity?.length && !extra.noise?.length) return;
  try {
    await bus.publish({ v: 1, tenant, ids: events.map((e) => e.id), ...extra });
  } catch (e) {
    console.warn(JSON.stringify({ msg: "queue send failed; the outbox sweep will re-send", tenant, error: String(e) }));
  }
}
