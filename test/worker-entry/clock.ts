import type { Env } from "../../src/platform/env";
import type { EventMessage } from "../../src/events/types";
import { setClockOffset } from "../../src/platform/clock";

/**
 * `PUT /test/clock {"offsetMs": n}` moves the clock the OAuth code reads (src/platform/clock.ts)
 * instead of sleeping; 0 puts it back. Per isolate, which is what `wrangler dev` and the vitest
 * pool run. A prefix test rather than a router, as the bench's wrapper (test/bench/worker/).
 */
export function withTestClock<T extends ExportedHandler<Env, EventMessage>>(worker: T): T {
  const fetch = worker.fetch!;
  return {
    ...worker,
    fetch: async (req, env, ctx) => {
      if (new URL(req.url).pathname !== "/test/clock" || req.method !== "PUT") return fetch(req, env, ctx);
      const body = await req.json<{ offsetMs?: unknown }>().catch(() => ({ offsetMs: 0 }));
      setClockOffset(Number(body.offsetMs) || 0);
      return new Response(null, { status: 204 });
    },
  };
}
