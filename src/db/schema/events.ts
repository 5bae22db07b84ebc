import { index, integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

/** The outbox and what the queue consumer writes from it (audit log, invitation mails). */

/**
 * Transactional outbox (docs/storage.md): written in the SAME batch as the change it
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
