import worker from "../../../src/index";
import { queueBus } from "../../../src/events/outbox";
import { runCron } from "../../../src/fleet/cron";
import { cellWork } from "../../../src/fleet/work";
import type { EventMessage } from "../../../src/events/types";
import type { Env } from "../../../src/platform/env";
import { countedD1, type CountedD1 } from "../../../src/platform/round-trips";
import { withD1Delay } from "./d1-delay";

/**
 * `npm run bench:fleet`'s Worker entry (named as `main` only in the bench's generated cell): the
 * production Worker, its Durable Object classes included, with two routes in front.
 * `POST /bench/fleet-mark` marks tenants as having work, as their writes would; `POST
 * /bench/fleet-cron` runs the scheduled handler's work once (the same runCron) on an env whose
 * tenant databases count their round trips (and wait `rtt` ms before each, ./d1-delay.ts).
 */
export * from "../../../src/index";

function countingEnv(env: Env, rttMs: number) {
  const delayed = withD1Delay(env, rttMs);
  const counters = new Map<PropertyKey, CountedD1>();
  const out = new Proxy(delayed, {
    get(target, prop) {
      const v = Reflect.get(target, prop, target);
      if (typeof prop !== "string" || !prop.startsWith("TENANT_") || !v) return v;
      let c = counters.get(prop);
      if (!c) counters.set(prop, (c = countedD1(v as D1Database)));
      return c.db;
    },
  });
  const trips = () => [...counters.values()].reduce((n, c) => n + c.trips(), 0);
  const touched = () => [...counters.values()].filter((c) => c.trips() > 0).length;
  return { env: out, trips, touched };
}

export default {
  ...worker,
  async fetch(req, env, ctx) {
    const url = new URL(req.url);
    if (url.pathname === "/bench/fleet-mark") {
      const tenants = await req.json<string[]>();
      await cellWork(env).mark(tenants, Date.now(), Date.now() - 120_000);
      return Response.json({ marked: tenants.length });
    }
    if (url.pathname === "/bench/fleet-cron") {
      const q = (k: string) => Number(url.searchParams.get(k) ?? "");
      const counting = countingEnv(env, q("rtt") || 0);
      const started = performance.now();
      const t0 = Date.now();
      const report = await runCron(counting.env, cellWork(env), queueBus(env.EVENTS), Date.now(), {
        turnAt: q("turnAt"),
        concurrency: q("concurrency") || undefined,
      });
      const ms = Math.max(performance.now() - started, Date.now() - t0);
      return Response.json({ report, ms, roundTrips: counting.trips(), touched: counting.touched() });
    }
    return worker.fetch!(req, env, ctx);
  },
} satisfies ExportedHandler<Env, EventMessage>;
