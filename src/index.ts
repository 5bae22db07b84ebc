import { app } from "./app";
import { consume } from "./events/consumer";
import { queueBus } from "./events/outbox";
import { sweep } from "./events/sweep";
import type { EventMessage } from "./events/types";
import type { Env } from "./platform/env";

export { GroupMembership } from "./membership/durable-object";

export default {
  fetch: app.fetch,
  queue: (batch, env) => consume(batch as MessageBatch<EventMessage>, env),
  scheduled: async (_controller, env, ctx) => {
    ctx.waitUntil(sweep(env, queueBus(env.EVENTS)).then(() => undefined));
  },
} satisfies ExportedHandler<Env, EventMessage>;
