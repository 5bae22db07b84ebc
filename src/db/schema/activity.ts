import { sql } from "drizzle-orm";
import { index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { nocaseText } from "./columns";

/** Provisioning activity (src/activity/). */

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
