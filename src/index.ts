import { app } from "./app";
import type { Env } from "./platform/env";

export { GroupMembership } from "./membership/durable-object";

export default { fetch: app.fetch } satisfies ExportedHandler<Env>;
