import type { EventBus } from "../events/outbox";
import type { EventMessage } from "../platform/queue";

/**
 * Queue sends shared by the requests of one isolate: a request's message waits up to
 * FLUSH_DELAY_MS for others, then one `sendBatch` carries them all, merged per tenant. The
 * request that opened the window sends it (inside its waitUntil, after its response); the
 * others only add their part, so no request waits on another's I/O.
 * Trade-off: a failed batch send loses the activity records of every request in it; their
 * events are in the outbox and the cron sweep re-sends them (delivery/sweep.ts).
 */
const FLUSH_DELAY_MS = 10;
/** A window this full is sent at once by the request that filled it. */
const FLUSH_AT_PARTS = 50;
/** Cloudflare Queues limits (developers.cloudflare.com/queues/platform/limits): per message, per batch. */
const MAX_MESSAGE_BYTES = 128_000;
const MAX_BATCH_MESSAGES = 100;
const MAX_BATCH_BYTES = 256_000;
/** Headroom for the message envelope and JSON framing. */
const ENVELOPE_BYTES = 1_000;
/** A window whose sender never ran (its request was cancelled) is taken over after this. */
const STALE_WINDOW_MS = 1_000;

const pending: { m: EventMessage; size: number }[] = [];
let windowOpened = 0;

export function batchingBus(queue: Queue<EventMessage>): EventBus {
  return {
    publish(m) {
      pending.push({ m, size: JSON.stringify(m).length });
      if (pending.length >= FLUSH_AT_PARTS) return send(queue, pending.splice(0));
      const now = Date.now();
      if (windowOpened && now - windowOpened < STALE_WINDOW_MS) return Promise.resolve();
      windowOpened = now;
      return new Promise<void>((r) => setTimeout(r, FLUSH_DELAY_MS)).then(() => {
        windowOpened = 0;
        return send(queue, pending.splice(0));
      });
    },
  };
}

async function send(queue: Queue<EventMessage>, parts: { m: EventMessage; size: number }[]): Promise<void> {
  const messages = merge(parts);
  for (let i = 0; i < messages.length;) {
    const chunk: { body: EventMessage; contentType: "json" }[] = [];
    let bytes = 0;
    for (
      ;
      i < messages.length && chunk.length < MAX_BATCH_MESSAGES && bytes + messages[i].size <= MAX_BATCH_BYTES;
      i++
    ) {
      chunk.push({ body: messages[i].m, contentType: "json" });
      bytes += messages[i].size;
    }
    if (chunk.length === 0)
      i++; // cannot happen (a message is below the batch limit); never loop forever
    else await queue.sendBatch(chunk);
  }
}

/** One message per tenant and size limit: ids, activity records and noise counts concatenated. */
function merge(parts: { m: EventMessage; size: number }[]): { m: EventMessage; size: number }[] {
  const out: { m: EventMessage; size: number }[] = [];
  const open = new Map<string, { m: EventMessage; size: number }>();
  for (const p of parts) {
    const cur = open.get(p.m.tenant);
    if (cur && cur.size + p.size <= MAX_MESSAGE_BYTES - ENVELOPE_BYTES) {
      const activity = [...(cur.m.activity ?? []), ...(p.m.activity ?? [])];
      const noise = [...(cur.m.noise ?? []), ...(p.m.noise ?? [])];
      cur.m = {
        v: 1,
        tenant: cur.m.tenant,
        ids: [...cur.m.ids, ...p.m.ids],
        ...(activity.length ? { activity } : {}),
        ...(noise.length ? { noise } : {}),
      };
      cur.size += p.size;
      continue;
    }
    const fresh = { ...p };
    open.set(p.m.tenant, fresh);
    out.push(fresh);
  }
  return out;
}
