import { pruneActivity } from "./activity/retention";
import { app } from "./app";
import { canonicalScimRequest } from "./http/canonical-path";
import { consume } from "./delivery/consumer";
import { queueBus } from "./events/outbox";
import { sweep } from "./delivery/sweep";
import type { EventMessage } from "./events/types";
import type { Env } from "./platform/env";
import { eventsCron } from "./webhooks/cron";
import { rolesCron } from "./delivery/roles-cron";

export { GroupMembership } from "./membership/durable-object";

export default {
  fetch: (req, env, ctx) => app.fetch(canonicalScimRequest(req), env, ctx),
  queue: (batch, env) => consume(batch as MessageBatch<EventMessage>, env),
  scheduled: async (_controller, env, ctx) => {
    ctx.waitUntil(sweep(env, queueBus(env.EVENTS)).then(() => undefined));
    ctx.waitUntil(pruneActivity(env).then(() => undefined));
    ctx.waitUntil(eventsCron(env, queueBus(env.EVENTS)));
    ctx.waitUntil(rolesCron(env, queueBus(env.EVENTS)));
  },
} satisfies ExportedHandler<Env, EventMessage>;
