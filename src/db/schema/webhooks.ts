import { sql } from "drizzle-orm";
import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

/** Events out: endpoints, signing keys, events, deliveries and the poll stream. */

/**
 * Events out (drizzle/0008_events_out.sql). An endpoint gets the tenant's events as
 * SETs (`set`, RFC 8417/9967, signed with `signing_keys`) or as Standard Webhooks JSON (`json`,
 * signed with `secret`). `events` is a JSON list of event types, null for all.
 */
export const webhooks = sqliteTable("webhooks", {
  id: text("id").primaryKey(),
  url: text("url").notNull(),
  format: text("format", { enum: ["set", "json"] }).notNull(),
  events: text("events"),
  /** `whsec_` + base64 of the HMAC key; `json` endpoints only, shown once when created. */
  secret: text("secret"),
  /** The SETs' `iss`: the tenant's SCIM base URL as the admin who added the endpoint reached it. */
  issuer: text("issuer").notNull(),
  created: text("created").notNull(),
  /** Set when the endpoint kept failing for 3 days (or by hand); no delivery is made while set. */
  disabledAt: text("disabled_at"),
  /** The first failure since the last success; null while healthy. */
  failingSince: text("failing_since"),
});

/** The tenant's ES256 keys for SETs; a retired key stays in the JWKS for a day. */
export const signingKeys = sqliteTable("signing_keys", {
  kid: text("kid").primaryKey(),
  privateJwk: text("private_jwk").notNull(),
  publicJwk: text("public_jwk").notNull(),
  created: text("created").notNull(),
  retiredAt: text("retired_at"),
});

/**
 * One event per committed change, derived by the queue consumer from the outbox (id = the
 * outbox event id, the SET's `jti` and the `webhook-id`); `seq` is the outbox rowid, the commit
 * order. Kept for the `eventRetentionDays` setting (RFC 8936 poll replays from here).
 */
export const securityEvents = sqliteTable(
  "security_events",
  {
    id: text("id").primaryKey(),
    seq: integer("seq").notNull(),
    type: text("type").notNull(),
    resourceType: text("resource_type").notNull(),
    resourceId: text("resource_id").notNull(),
    externalId: text("external_id"),
    /** The event's facts as JSON (src/webhooks/derive.ts). */
    payload: text("payload").notNull(),
    created: text("created").notNull(),
  },
  (t) => [uniqueIndex("security_events_seq").on(t.seq), index("security_events_created").on(t.created)],
);

/** One event for one endpoint: pending until a 2xx, dead after 24 h of failures. */
export const webhookDeliveries = sqliteTable(
  "webhook_deliveries",
  {
    eventId: text("event_id").notNull(),
    webhookId: text("webhook_id").notNull(),
    seq: integer("seq").notNull(),
    resourceId: text("resource_id").notNull(),
    /** pending | delivered | dead */
    state: text("state").notNull().default("pending"),
    attempts: integer("attempts").notNull().default(0),
    nextAttemptAt: text("next_attempt_at"),
    created: text("created").notNull(),
    deliveredAt: text("delivered_at"),
    lastStatus: integer("last_status"),
    lastError: text("last_error"),
  },
  (t) => [
    primaryKey({ columns: [t.eventId, t.webhookId] }),
    index("webhook_deliveries_due").on(t.state, t.nextAttemptAt),
    // Commit order per resource: an event waits while an earlier one of its resource is pending.
    index("webhook_deliveries_order")
      .on(t.webhookId, t.resourceId, t.seq)
      .where(sql`state = 'pending'`),
    index("webhook_deliveries_recent").on(t.webhookId, t.created),
  ],
);

/** Every delivery attempt: when, the answer's status (null: no answer), how long, why it failed. */
export const webhookAttempts = sqliteTable(
  "webhook_attempts",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    webhookId: text("webhook_id").notNull(),
    eventId: text("event_id").notNull(),
    at: text("at").notNull(),
    status: integer("status"),
    latencyMs: integer("latency_ms").notNull(),
    error: text("error"),
  },
  (t) => [index("webhook_attempts_webhook_at").on(t.webhookId, t.at), index("webhook_attempts_at").on(t.at)],
);

/** RFC 8936 poll: per stream (`admin`, or `webhook:<id>` for an endpoint's poll tokens), the last acknowledged event's `seq`. */
export const pollStreams = sqliteTable("poll_streams", {
  id: text("id").primaryKey(),
  ackedSeq: integer("acked_seq").notNull().default(0),
  updated: text("updated").notNull(),
});

/**
 * Endpoint-scoped RFC 8936 poll tokens (drizzle/0009_poll_tokens.sql): each polls one endpoint's
 * events (its event types) with its own position. Only the SHA-256 of the token is kept.
 */
export const pollTokens = sqliteTable(
  "poll_tokens",
  {
    id: text("id").primaryKey(),
    webhookId: text("webhook_id").notNull(),
    hash: text("hash").notNull(),
    created: text("created").notNull(),
    revoked: text("revoked"),
  },
  (t) => [uniqueIndex("poll_tokens_hash").on(t.hash), index("poll_tokens_webhook").on(t.webhookId)],
);
