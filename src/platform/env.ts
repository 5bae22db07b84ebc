/**
 * The Worker's bindings. Only adapters under src/platform and src/tenants read these; the rest
 * of the code receives small interfaces.
 */
import type { GroupMembership } from "../membership/durable-object";

export interface Env {
  /** token:<sha256hex> -> TokenRecord (see docs/storage.md). */
  TOKENS: KVNamespace;
  /** One GroupMembership per `<tenant>:<groupId>`, serialising membership writes. */
  GROUPS: DurableObjectNamespace<GroupMembership>;
  /** Set to "1" only by the benchmark when it starts `wrangler dev`; enables /bench routes. */
  BENCH?: string;
  /** TENANT_<SLUG>: one D1 database per tenant. */
  [binding: `TENANT_${string}`]: D1Database | undefined;
}

export interface AppBindings {
  Bindings: Env;
  Variables: { tenant: string; db: D1Database; baseUrl: string };
}
