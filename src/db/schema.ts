import { sql } from "drizzle-orm";
import { GROUP_SOURCES, USER_SOURCES } from "./enums";
import { customType, index, integer, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

/**
 * Per-tenant D1 schema. Each resource row keeps the columns that are filtered, sorted or unique
 * next to the full SCIM document as JSON (`doc`), so any attribute path can be filtered with
 * json_extract/json_each without a column per attribute. `id` and `meta` live in columns only.
 */

/** SCIM compares these case-insensitively (RFC 7643 caseExact=false); NOCASE lets the index serve `eq`. */
const nocaseText = customType<{ data: string }>({ dataType: () => "text COLLATE NOCASE" });

export const users = sqliteTable(
  "users",
  {
    id: text("id").primaryKey(),
    userName: nocaseText("user_name").notNull(),
    externalId: text("external_id"),
    displayName: nocaseText("display_name"),
    active: integer("active", { mode: "boolean" }).notNull(),
    /** P4, P11 (the enum types the column only: SQLite stores text, the migration is unchanged) */
    source: text("source", { enum: USER_SOURCES }).notNull().default("scim"),
    doc: text("doc").notNull(),
    version: integer("version").notNull(),
    created: text("created").notNull(),
    lastModified: text("last_modified").notNull(),
    /** P21: derived on create and when its source changes; unique in the tenant. */
    managedAppleId: nocaseText("managed_apple_id"),
    /** P25: `{"custAttr1": "..."}` as imported from LDAP; never changed by SCIM afterwards. */
    ldapAttributes: text("ldap_attributes"),
  },
  (t) => [
    uniqueIndex("users_user_name").on(t.userName),
    uniqueIndex("users_managed_apple_id").on(t.managedAppleId),
    index("users_external_id").on(t.externalId),
    index("users_created").on(t.created),
    // RFC 9865 cursor pages (drizzle/0007_cursor_indexes.sql).
    index("users_created_id").on(t.created, t.id),
    index("users_display_name_id").on(t.displayName, t.id),
    index("users_last_modified_id").on(t.lastModified, t.id),
  ],
);

/** One row per email of a user: serves `emails.value eq ...` from an index instead of a scan. */
export const userEmails = sqliteTable(
  "user_emails",
  {
    userId: text("user_id").notNull(),
    value: nocaseText("value").notNull(),
    type: text("type"),
    primary: integer("is_primary", { mode: "boolean" }).notNull().default(false),
  },
  (t) => [index("user_emails_value").on(t.value), index("user_emails_user").on(t.userId)],
);

export const groups = sqliteTable(
  "groups",
  {
    id: text("id").primaryKey(),
    displayName: nocaseText("display_name").notNull(),
    externalId: text("external_id"),
    /** P15, P16 (the enum types the column only: SQLite stores text, the migration is unchanged) */
    source: text("source", { enum: GROUP_SOURCES }).notNull().default("scim"),
    doc: text("doc").notNull(),
    version: integer("version").notNull(),
    created: text("created").notNull(),
    lastModified: text("last_modified").notNull(),
  },
  (t) => [
    uniqueIndex("groups_display_name").on(t.displayName),
    index("groups_external_id").on(t.externalId),
    // RFC 9865 cursor pages (drizzle/0007_cursor_indexes.sql).
    index("groups_created_id").on(t.created, t.id),
    index("groups_last_modified_id").on(t.lastModified, t.id),
  ],
);

export const groupMembers = sqliteTable(
  "group_members",
  {
    groupId: text("group_id").notNull(),
    memberId: text("member_id").notNull(),
  },
  (t) => [primaryKey({ columns: [t.groupId, t.memberId] }), index("group_members_member").on(t.memberId)],
);

/**
 * The truth for token validity (P2). KV maps a token hash to its tenant and id, but KV is
 * eventually consistent, so a token is valid only while its row here is not revoked.
 */
export const tokens = sqliteTable("tokens", {
  id: text("id").primaryKey(),
  /** scim | admin */
  scope: text("scope").notNull(),
  hash: text("hash").notNull(),
  created: text("created").notNull(),
  revoked: text("revoked"),
});

/**
 * Transactional outbox (DESIGN.md, Events): written in the SAME batch as the change it
 * describes, then sent to the Queue. `delivered` is set by the consumer; the cron sweep re-sends
 * rows still undelivered after a grace period.
 */
export const outbox = sqliteTable(
  "outbox",
  {
    id: text("id").primaryKey(),
    /** audit | invite */
    kind: text("kind").notNull(),
    payload: text("payload").notNull(),
    created: text("created").notNull(),
    delivered: text("delivered"),
    attempts: integer("attempts").notNull().default(0),
  },
  (t) => [index("outbox_undelivered").on(t.delivered, t.created)],
);

/** P23: what admins read. Keyed by the outbox event id, so a redelivered event is written once. */
export const auditLog = sqliteTable(
  "audit_log",
  {
    id: text("id").primaryKey(),
    at: text("at").notNull(),
    /** scim | admin */
    actor: text("actor").notNull(),
    /** create | update | disable | delete | membership | takeover | refused | import | settings | token | ... */
    action: text("action").notNull(),
    resourceType: text("resource_type").notNull(),
    resourceId: text("resource_id"),
    detail: text("detail").notNull(),
  },
  (t) => [
    index("audit_at").on(t.at),
    index("audit_resource_at").on(t.resourceType, t.at),
    index("audit_action_at").on(t.action, t.at),
  ],
);

/** Invitation mails (P20), one row per invitation event; the outbox mailer's store. */
export const mailOutbox = sqliteTable(
  "mail_outbox",
  {
    id: text("id").primaryKey(),
    userId: text("user_id").notNull(),
    toAddress: text("to_address").notNull(),
    subject: text("subject").notNull(),
    body: text("body").notNull(),
    /** queued | stored | sent | refused (recipient not one address) */
    status: text("status").notNull(),
    created: text("created").notNull(),
    sent: text("sent"),
    error: text("error"),
  },
  (t) => [index("mail_created").on(t.created), uniqueIndex("mail_user").on(t.userId)],
);

/** Tenant settings (P20-P22) as JSON values under fixed keys. */
export const settings = sqliteTable("settings", {
  key: text("key").primaryKey(),
  value: text("value").notNull(),
});

/** P18: custom attributes defined by the admin (or by an LDAP takeover, P25). Type is always IdP. */
export const customAttributes = sqliteTable("custom_attributes", {
  name: nocaseText("name").primaryKey(),
  type: text("type").notNull().default("IdP"),
  created: text("created").notNull(),
});

/**
 * Provisioning activity: one row per authenticated SCIM request, written by the queue consumer
 * (src/activity/). Pruned by the cron after the tenant's `activityRetentionDays`. Health, cycles
 * and timelines are queries over these indexes (src/activity/views.ts).
 */
export const activity = sqliteTable(
  "activity",
  {
    id: text("id").primaryKey(),
    at: text("at").notNull(),
    method: text("method").notNull(),
    /** Below the tenant's SCIM base, e.g. `/Users/<id>`. */
    path: text("path").notNull(),
    query: text("query"),
    status: integer("status").notNull(),
    scimType: text("scim_type"),
    detail: text("detail"),
    /** Failure reason code (src/activity/reasons.ts), null for successes. */
    reason: text("reason"),
    durationMs: integer("duration_ms").notNull(),
    /** read | create | update | delete | other */
    op: text("op").notNull(),
    resourceType: text("resource_type"),
    resourceId: text("resource_id"),
    userName: nocaseText("user_name"),
    externalId: text("external_id"),
    displayName: nocaseText("display_name"),
    tokenId: text("token_id"),
    /** JSON: [{attribute, old, new}] (Entra's "Modified properties"). */
    changes: text("changes"),
    /** The request body, redacted and capped (src/activity/redact.ts). */
    request: text("request"),
    requestBytes: integer("request_bytes"),
  },
  (t) => [
    index("activity_at").on(t.at, t.status),
    index("activity_failures")
      .on(t.at, t.reason)
      .where(sql`status >= 400`),
    index("activity_resource").on(t.resourceId, t.at),
    index("activity_user_name").on(t.userName, t.at),
    index("activity_external_id").on(t.externalId, t.at),
    index("activity_display_name").on(t.displayName, t.at),
    index("activity_token").on(t.tokenId, t.at),
  ],
);

/** Unauthenticated SCIM requests: counted per isolate and flushed at most once a minute, never stored one by one. */
export const activityNoise = sqliteTable(
  "activity_noise",
  {
    /** `<flush id>:<reason>`: a redelivered flush is counted once. */
    id: text("id").primaryKey(),
    at: text("at").notNull(),
    /** missing | malformed | unknown | other-tenant | wrong-scope | revoked */
    reason: text("reason").notNull(),
    count: integer("count").notNull(),
  },
  (t) => [index("activity_noise_at").on(t.at)],
);

/**
 * Admin console sessions (issue 9). Only the SHA-256 of the session id (the cookie's value) is
 * stored; a session is good until `expires` and only while its admin token (`token_id`) is not
 * revoked, so a rotation of the admin token ends it.
 */
export const consoleSessions = sqliteTable(
  "console_sessions",
  {
    hash: text("hash").primaryKey(),
    tokenId: text("token_id").notNull(),
    created: text("created").notNull(),
    expires: text("expires").notNull(),
  },
  (t) => [index("console_sessions_expires").on(t.expires)],
);

/**
 * Issue 11: OAuth client credentials (RFC 6749 §4.4). One row per client id and secret pair, so a
 * tenant rotates by adding a client and revoking the old one; only the secret's SHA-256 is kept.
 */
export const oauthClients = sqliteTable("oauth_clients", {
  id: text("id").primaryKey(),
  name: text("name").notNull(),
  secretHash: text("secret_hash").notNull(),
  created: text("created").notNull(),
  /** Default one year after `created`, at most three (Entra's client secret lifetimes). */
  expires: text("expires").notNull(),
  /** When the client last obtained an access token. */
  lastUsed: text("last_used"),
  revoked: text("revoked"),
});

/** Workload identity federation (RFC 7523): whose signed JWT this tenant accepts as a client. */
export const oauthFederations = sqliteTable(
  "oauth_federations",
  {
    id: text("id").primaryKey(),
    name: text("name").notNull(),
    issuer: text("issuer").notNull(),
    subject: text("subject").notNull(),
    audience: text("audience").notNull(),
    jwksUrl: text("jwks_url").notNull(),
    created: text("created").notNull(),
    lastUsed: text("last_used"),
  },
  (t) => [uniqueIndex("oauth_federations_issuer_subject").on(t.issuer, t.subject)],
);

/**
 * Access tokens issued by the token endpoint, by SHA-256 hash. A token is good while it has not
 * expired AND its grant (client or federation) still stands, so revoking either stops it at once.
 */
export const oauthAccessTokens = sqliteTable(
  "oauth_access_tokens",
  {
    hash: text("hash").primaryKey(),
    id: text("id").notNull(),
    /** client | federation */
    grantKind: text("grant_kind").notNull(),
    /** oauth_clients.id or oauth_federations.id */
    grantId: text("grant_id").notNull(),
    created: text("created").notNull(),
    expires: text("expires").notNull(),
  },
  (t) => [index("oauth_access_tokens_expires").on(t.expires)],
);

/** RFC 7523 §3 item 7: a `jti` is accepted once per issuer, remembered until the assertion expires. */
export const oauthAssertionIds = sqliteTable(
  "oauth_assertion_ids",
  {
    issuer: text("issuer").notNull(),
    jti: text("jti").notNull(),
    expires: text("expires").notNull(),
  },
  (t) => [primaryKey({ columns: [t.issuer, t.jti] }), index("oauth_assertion_ids_expires").on(t.expires)],
);

/**
 * Issue 19, events out (drizzle/0008_events_out.sql). An endpoint gets the tenant's events as
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
