import type { QueueEnvelope } from "./queue";

/**
 * The Worker's bindings. Only adapters (platform/, tenants/, delivery/, membership/, the entry)
 * read these; the rest of the code receives small interfaces. This module is the bottom layer,
 * so it names no type of the layers above: GROUPS is typed with its class by the adapter that
 * calls it (membership/sequencer.ts), and the request variables the tenant gate sets are
 * declared where they are set (http/tenant.ts, Hono's ContextVariableMap).
 */
export interface Env {
  /** token:<sha256hex> -> TokenRecord (see docs/storage.md). */
  TOKENS: KVNamespace;
  /** One GroupMembership per `<tenant>:<groupId>`, serialising membership writes. */
  GROUPS: DurableObjectNamespace;
  /** Audit events and invitations after commit (transactional outbox). */
  EVENTS: Queue<QueueEnvelope>;
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
  /** Each tenant's ceiling on SCIM requests with a good token, one binding per ceiling (http/scim-rate.ts). */
  SCIM_RATE_50?: RateLimit;
  SCIM_RATE_100?: RateLimit;
  SCIM_RATE_200?: RateLimit;
  SCIM_RATE_500?: RateLimit;
  SCIM_RATE_1000?: RateLimit;
  /** The console's static files (wrangler.toml `[assets]`), read to version their URLs by content hash. */
  ASSETS?: Fetcher;
  /** Workers Rate Limiting binding of the OAuth token endpoint (src/oauth/rate-limit.ts). */
  OAUTH_LIMIT?: RateLimit;
  /** "1" only where `npm start` and the tests run: endpoints may be `http://127.0.0.1:<port>` (src/webhooks/url.ts). */
  WEBHOOKS_ALLOW_LOOPBACK_HTTP?: string;
  /**
   * Sign in with Microsoft (docs/people.md): the vendor's multi-tenant app registration. The
   * authority is Microsoft's unless a local run points it at the loopback provider.
   */
  MICROSOFT_AUTHORITY?: string;
  MICROSOFT_CLIENT_ID?: string;
  /** A Worker secret; or, instead, a certificate's PKCS#8 private key and its SHA-256 thumbprint (private_key_jwt). */
  MICROSOFT_CLIENT_SECRET?: string;
  MICROSOFT_CLIENT_KEY?: string;
  MICROSOFT_CLIENT_KEY_THUMBPRINT?: string;
  /** "1" only where `npm start` and the tests run: identity providers may be `http://127.0.0.1:<port>`. */
  SIGNIN_ALLOW_LOOPBACK_HTTP?: string;
  /** Tests only: the first retry's delay in ms instead of 30 s (src/webhooks/backoff.ts). */
  WEBHOOKS_RETRY_BASE_MS?: string;
  /** The cell's record of tenants with work waiting for the cron (fleet/work-object.ts, class CellWork). */
  CELL_WORK: DurableObjectNamespace;
  /** The cell's tenant health rows (fleet/health/object.ts, class CellHealth). */
  CELL_HEALTH: DurableObjectNamespace;
  /** Workers Analytics Engine: one data point per SCIM request (fleet/metrics.ts). */
  METRICS?: AnalyticsEngineDataset;
  /** The cell's name, in every data point (cells/<name>.toml sets it; the default cell: "default"). */
  CELL?: string;
  /** SHA-256 (hex) of the vendor operators' token for /fleet/api (a Worker secret; fleet/operator.ts). */
  FLEET_TOKEN_SHA256?: string;
  /** SHA-256 (hex) of the fleet support token: reads tenants' health only (fleet/operator.ts). */
  FLEET_SUPPORT_TOKEN_SHA256?: string;
  /** The vendor's role catalog, JSON `[{id, name, description}]` (src/roles/catalog.ts, docs/roles.md). */
  ROLE_CATALOG?: string;
  /** Secret (wrangler.toml `[secrets]`): `kid:base64key` list sealing stored secrets (platform/seal.ts, docs/secrets.md). */
  SEAL_KEYS?: string;
  /** TENANT_<SLUG>: one D1 database per tenant. */
  [binding: `TENANT_${string}`]: D1Database | undefined;
}

export interface AppBindings {
  Bindings: Env;
}
