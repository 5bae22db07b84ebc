import type { Env } from "../../../src/platform/env";
import type { EventMessage } from "../../../src/events/types";
import { withD1Delay } from "./d1-delay";
import { benchRoutes } from "./routes";

/**
 * Puts the baseline routes (/bench/...) in front of a Worker. A prefix test rather than a
 * router, so the SCIM requests the bench measures pay no extra routing. Apart from ./index.ts
 * so that `--rev`/`--src` runs can wrap another copy of src/ (../server.ts writes that entry).
 */
export function benchWorker<T extends ExportedHandler<Env, EventMessage>>(worker: T): T {
  const fetch = worker.fetch!;
  return {
    ...worker,
    fetch: (req, rawEnv, ctx) => {
      // `--d1-rtt`: an emulated round trip to D1 (./d1-delay.ts), the same for both kinds of route.
      const env = withD1Delay(rawEnv, Number((rawEnv as { BENCH_D1_RTT_MS?: string }).BENCH_D1_RTT_MS ?? 0));
      return new URL(req.url).pathname.startsWith("/bench/") ? benchRoutes.fetch(req, env, ctx) : fetch(req, env, ctx);
    },
  };
}
