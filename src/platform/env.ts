import type { EventMessage } from "../events/types";
import type { GroupMembership } from "../membership/durable-object";
import type { TenantGate } from "../http/tenant";
import type { TenantContext } from "../tenants/context";

/**
 * The Worker's bindings. Only adapters (platform/, tenants/, events/ entry points) read these;
 * the rest of the code receives small interfaces.
 */
export interface Env {
  /** token:<sha256hex> -> TokenRecord (see docs/storage.md). */
  TOKENS: KVNamespace;
  /** One GroupMembership per `<tenant>:<groupId>`, serialising membership writes. */
  GROUPS: DurableObjectNamespace<GroupMembership>;
  /** Audit events and invitations after commit (transactional outbox). */
  EVENTS: Queue<EventMessage>;
  /** "outbox" (default: invitations stay as rows an admin reads) or "email" (Cloudflare Email Service). */
  MAILER?: string;
  /** Sender address for MAILER=email. */
  MAIL_FROM?: string;
  /** Cloudflare Email Service binding, used when MAILER=email. */
  MAIL?: SendEmail;
  /** "off" turns the provisioning activity record off (src/activity/; the bench compares both). */
  ACTIVITY?: string;
  /** Where clients reach this Worker (Location, meta.location); empty: the request's origin. See http/public-url.ts. */
  PUBLIC_BASE_URL?: string;
  /** Refused credentials per client address and per tenant slug (http/auth-failures.ts, wrangler.toml). */
  AUTH_FAILURES_BY_ADDRESS?: RateLimit;
  AUTH_FAILURES_BY_TENANT?: RateLimit;
  /** Set to "1" only by the benchmark when it starts `wrangler dev`; enables /bench routes. */
  BENCH?: string;
  /** The console's static files (wrangler.toml `[assets]`), read to version their URLs by content hash. */
  ASSETS?: Fetcher;
  /** Issue 11: Workers Rate Limiting binding of the OAuth token endpoint (src/oauth/rate-limit.ts). */
  OAUTH_LIMIT?: RateLimit;
  /** Set to "1" only in test configs: enables PUT /test/clock (src/platform/clock.ts). */
  TEST_CLOCK?: string;
  /** TENANT_<SLUG>: one D1 database per tenant. */
  [binding: `TENANT_${string}`]: D1Database | undefined;
}

export interface AppBindings {
  Bindings: Env;
  Variables: { gate: TenantGate; t: TenantContext; baseUrl: string };
}
