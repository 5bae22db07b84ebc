import { z } from "zod";
import type { Sealer } from "../platform/seal";
import { setClaims } from "./payload";
import { signSet } from "./sign";
import { ADMIN_STREAM, type PollStream } from "./poll-tokens";
import { currentSigningKey, eventOfRow, type StoredEvent } from "./store";
const MAX_EVENTS = 1_000;
/** A poll that finds nothing and may wait (returnImmediately false) waits at most this long. */
const LONG_POLL_MS = 5_000;
const LONG_POLL_STEP_MS = 500;

/** RFC 8936 §2.4 poll request; `setErrs` is accepted and, like an ack, moves past the events it names. */
export const pollRequest = z
  .object({
    ack: z.array(z.string().max(200)).max(MAX_EVENTS).optional(),
    setErrs: z
      .record(z.string().max(200), z.unknown())
      .refine((errs) => Object.keys(errs).length <= MAX_EVENTS, `at most ${MAX_EVENTS} entries`)
      .optional(),
    maxEvents: z.number().int().min(0).max(MAX_EVENTS).optional(),
    returnImmediately: z.boolean().optional(),
  })
  .strict();
export type PollRequest = z.infer<typeof pollRequest>;

/**
 * One poll: the acknowledged events move the stream's position (to the latest acknowledged, in
 * commit order), then the events after it are returned, oldest first, as SETs. An event is held
 * back while an earlier outbox row is still undelivered, so a poller never moves past an event
 * that is yet to be recorded (commit order, nothing skipped). An endpoint's stream (its poll
 * token) sees only that endpoint's event types, and an ack of any other event moves nothing.
 */
export async function poll(
  db: D1Database,
  sealer: Sealer,
  req: PollRequest,
  audience: string,
  issuer: string,
  stream: PollStream = ADMIN_STREAM,
): Promise<{ sets: Record<string, string>; moreAvailable: boolean }> {
  const types = stream.events ? JSON.stringify(stream.events) : null;
  const acked = [...(req.ack ?? []), ...Object.keys(req.setErrs ?? {})];
  const now = new Date().toISOString();
  if (acked.length) {
    await db
      .prepare(
        `INSERT INTO poll_streams (id, acked_seq, updated)
         SELECT ?1, coalesce(max(seq), 0), ?3 FROM security_events WHERE id IN (SELECT value FROM json_each(?2))
           AND (?4 IS NULL OR type IN (SELECT value FROM json_each(?4)))
         ON CONFLICT (id) DO UPDATE SET acked_seq = max(acked_seq, excluded.acked_seq), updated = excluded.updated`,
      )
      .bind(stream.id, JSON.stringify(acked), now, types)
      .run();
  }
  const limit = req.maxEvents ?? 100;
  if (limit === 0) return { sets: {}, moreAvailable: false };
  const deadline = Date.now() + (req.returnImmediately === false ? LONG_POLL_MS : 0);
  let rows: StoredEvent[];
  for (;;) {
    rows = (await pendingStatement(db, stream, types, limit + 1).all<StoredEvent>()).results;
    if (rows.length || Date.now() >= deadline) break;
    await new Promise((r) => setTimeout(r, LONG_POLL_STEP_MS));
  }
  const more = rows.length > limit;
  const key = rows.length ? await currentSigningKey(db, sealer) : null;
  const sets: Record<string, string> = {};
  const nowSec = Math.floor(Date.now() / 1000);
  for (const r of rows.slice(0, limit)) {
    sets[r.id] = await signSet(key!, setClaims(eventOfRow(r), issuer, audience, nowSec));
  }
  return { sets, moreAvailable: more };
}

/**
 * The stream's events after its position (and, for an endpoint's stream, from the endpoint's
 * creation on), before the first outbox row not yet turned into events.
 */
const pendingStatement = (db: D1Database, stream: PollStream, types: string | null, limit: number) =>
  db
    .prepare(
      `SELECT id, seq, type, resource_type, resource_id, external_id, payload, created FROM security_events
       WHERE seq > coalesce((SELECT acked_seq FROM poll_streams WHERE id = ?1), 0)
         AND seq < coalesce((SELECT min(rowid) FROM outbox WHERE delivered IS NULL) * 4, 9223372036854775807)
         AND (?3 IS NULL OR type IN (SELECT value FROM json_each(?3)))
         AND (?4 IS NULL OR created >= ?4)
       ORDER BY seq LIMIT ?2`,
    )
    .bind(stream.id, limit, types, stream.since ?? null);
