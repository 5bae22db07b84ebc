import { app } from "./app";
import { canonicalScimRequest } from "./http/canonical-path";
import { consume } from "./delivery/consumer";
import { queueBus } from "./events/outbox";
import type { EventMessage } from "./events/types";
import { runCron } from "./fleet/cron";
import { cellWork } from "./fleet/work";
import type { Env } from "./platform/env";

export { GroupMembership } from "./membership/durable-object";
export { CellWork } from "./fleet/work-object";
export { CellHealth } from "./fleet/health/object";

export default {
  fetch: (req, env, ctx) => app.fetch(canonicalScimRequest(req), env, ctx),
  queue: (batch, env) => consume(batch as MessageBatch<EventMessage>, env),
  scheduled: async (controller, env, ctx) => {
    ctx.waitUntil(
      runCron(env, cellWork(env), queueBus(env.EVENTS), Date.now(), { turnAt: controller.scheduledTime }).then(
        (report) => console.log(JSON.stringify({ msg: "cron", ...report })),
      ),
    );
  },
} satisfies ExportedHandler<Env, EventMessage>;
