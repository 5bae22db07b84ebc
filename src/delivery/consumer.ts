import { activityStatements } from "../activity/store";
import type { Env } from "../platform/env";
import { tenantDatabase } from "../tenants/resolve";
import { type Settings, readSettings } from "../settings/settings";
import { findUser } from "../users/repo";
import { primaryEmail } from "../users/managed-apple-id";
import { type Mailer, mailerFor } from "./mailer";
import { missingTable, recordSecurityEvents } from "../webhooks/record";
import { dispatchDue } from "../webhooks/dispatch";
import { dispatchOptions } from "../webhooks/options";
import { renderSubject, renderTemplate, variablesOf } from "./template";
import {
  ADMIN_INVITE_PREFIX,
  type AuditEvent,
  type EventMessage,
  type InviteEvent,
  type OutboxEvent,
} from "../events/types";
import { queueBus } from "../events/outbox";
import { recomputeInBackground } from "../roles/background";
import { roleCatalog } from "../roles/catalog";
import { recordHealth } from "../fleet/health/record";

/**
 * Queue consumer: writes the audit log and sends invitations, then marks the outbox rows
 * delivered. Queues deliver at least once, so every effect is keyed by the event id
 * (INSERT OR IGNORE), and a mail is sent only while its row is still `queued`. A message that
 * throws is retried by the Queue; after max_retries it lands in the dead letter queue and the
 * outbox row, still undelivered, is re-sent by the sweep.
 */
export async function consume(
  batch: MessageBatch<EventMessage>,
  env: Env,
  mailer: Mailer = mailerFor(env),
): Promise<void> {
  // One tenant's messages are delivered together: three D1 calls per tenant and batch instead
  // of three per message, which matters because the consumer shares the Worker's CPU.
  const byTenant = new Map<string, Message<EventMessage>[]>();
  for (const msg of batch.messages) {
    const body = msg.body;
    if (body?.v !== 1 || !Array.isArray(body.ids) || typeof body.tenant !== "string") {
      msg.ack(); // not ours: acking drops it
      continue;
    }
    byTenant.set(body.tenant, [...(byTenant.get(body.tenant) ?? []), msg]);
  }
  for (const [tenant, msgs] of byTenant) {
    try {
      const ids = msgs.flatMap((m) => m.body.ids);
      if (ids.length) await deliver(env, { v: 1, tenant, ids }, mailer);
      // After the events: a database not yet migrated for activity must not hold back the audit log.
      await recordActivity(
        env,
        tenant,
        msgs.map((m) => m.body),
      );
      for (const m of msgs) m.ack();
      // The tenant's health row: one write per tenant and batch, after the ack (never throws).
      await recordHealth(
        env,
        tenant,
        msgs.map((m) => m.body),
      );
      await recomputeRoles(env, tenant);
      await pushEvents(env, tenant);
    } catch (e) {
      console.warn(
        JSON.stringify({ msg: "event delivery failed; will retry", tenant, messages: msgs.length, error: String(e) }),
      );
      for (const m of msgs) m.retry({ delaySeconds: Math.min(60, 2 ** m.attempts) });
    }
  }
}

/**
 * The new events go out at once, after the messages are acked: a failed push is a
 * delivery attempt with its retry in D1 (the cron's), never a reason to redeliver the message.
 */
async function pushEvents(env: Env, tenant: string): Promise<void> {
  const db = tenantDatabase(env, tenant);
  if (!db) return;
  try {
    await dispatchDue(db, dispatchOptions(env, tenant, CONSUMER_PUSH_BUDGET_MS));
  } catch (e) {
    if (missingTable(e)) return; // not migrated for events yet
    console.warn(JSON.stringify({ msg: "event push failed; the cron retries", tenant, error: String(e) }));
  }
}

/**
 * Users whose effective roles may have moved (marked in the same transaction as the change) are
 * recomputed here, after the messages are acked: a failure is logged and left to the next
 * message or the cron, never a reason to redeliver the events.
 */
async function recomputeRoles(env: Env, tenant: string): Promise<void> {
  const db = tenantDatabase(env, tenant);
  if (!db) return;
  try {
    const catalog = roleCatalog(env.ROLE_CATALOG).map((r) => r.id);
    await recomputeInBackground(db, tenant, catalog, queueBus(env.EVENTS as Queue<EventMessage>));
  } catch (e) {
    if (missingTable(e)) return; // not migrated for roles yet
    console.warn(
      JSON.stringify({ msg: "roles recompute failed; the next message or the cron retries", tenant, error: String(e) }),
    );
  }
}

/** How long a consumer batch keeps pushing events (the cron sends whatever is left). */
const CONSUMER_PUSH_BUDGET_MS = 10_000;

/** The activity records and counts the messages carry (src/activity/), in one D1 batch. */
async function recordActivity(env: Env, tenant: string, messages: EventMessage[]): Promise<void> {
  const db = tenantDatabase(env, tenant);
  const statements = db ? activityStatements(db, messages) : [];
  if (db && statements.length) await db.batch(statements);
}

export async function deliver(env: Env, message: EventMessage, mailer: Mailer): Promise<void> {
  const db = tenantDatabase(env, message.tenant);
  if (!db) return; // tenant removed: nothing left to deliver to
  const { results } = await db
    .prepare("SELECT rowid, payload FROM outbox WHERE id IN (SELECT value FROM json_each(?1)) AND delivered IS NULL")
    .bind(JSON.stringify(message.ids))
    .all<{ rowid: number; payload: string }>();
  if (results.length === 0) return;
  const events = results.map((r) => JSON.parse(r.payload) as OutboxEvent);
  const audits = events.filter((e): e is AuditEvent => e.kind === "audit");
  // The events endpoints get, before the rows are marked delivered (a retry redoes
  // them, idempotently), so no committed change is marked done without its event.
  await recordSecurityEvents(
    db,
    results.flatMap((r, i) => {
      const e = events[i];
      return e.kind === "audit" ? [{ audit: e, rowid: r.rowid }] : [];
    }),
  );
  // The audit rows and their delivery mark commit together; each invitation is marked after
  // its own mail, so a retry redoes exactly what is left.
  if (audits.length) await db.batch([auditStatement(db, audits), markDelivered(db, audits)]);
  const invites = events.filter((e): e is InviteEvent => e.kind === "invite");
  if (invites.length === 0) return;
  // The templates, read once for the whole batch (P19: as they are when the mails go out).
  const settings = await readSettings(db);
  for (const inv of invites) {
    await sendInvitation(db, settings, inv, mailer);
    await markDelivered(db, [inv]).run();
  }
}

const markDelivered = (db: D1Database, events: OutboxEvent[]) =>
  db
    .prepare("UPDATE outbox SET delivered = ?2 WHERE id IN (SELECT value FROM json_each(?1))")
    .bind(JSON.stringify(events.map((e) => e.id)), new Date().toISOString());

function auditStatement(db: D1Database, events: AuditEvent[]) {
  const rows = events.map((e) => ({ ...e, detail: JSON.stringify(e.detail) }));
  return db
    .prepare(
      `INSERT OR IGNORE INTO audit_log (id, at, actor, action, resource_type, resource_id, detail)
       SELECT json_extract(value, '$.id'), json_extract(value, '$.at'), json_extract(value, '$.actor'), json_extract(value, '$.action'),
              json_extract(value, '$.resourceType'), json_extract(value, '$.resourceId'), json_extract(value, '$.detail')
       FROM json_each(?1)`,
    )
    .bind(JSON.stringify(rows));
}

/**
 * P20: one invitation per user, ever. The row is created once (unique per user and per event),
 * rendered from the templates as they are now (P19), and sent only while still `queued`, so a
 * redelivered event or an Entra retry never mails twice. A crash between the mail service
 * accepting the mail and the row turning `sent` can repeat that one mail: the email service
 * has no idempotency key, the trade-off accepted here.
 */
async function sendInvitation(db: D1Database, settings: Settings, inv: InviteEvent, mailer: Mailer): Promise<void> {
  // An admin's invitation (admin/services/setup-links.ts) is written whole with its link: only sent here.
  if (inv.userId.startsWith(ADMIN_INVITE_PREFIX)) return sendQueued(db, inv.id, mailer);
  const user = await findUser(db, inv.userId);
  const to = user ? primaryEmail(JSON.parse(user.doc)) : undefined;
  if (!user || !to) return;
  const vars = variablesOf(user);
  await db
    .prepare(
      `INSERT OR IGNORE INTO mail_outbox (id, user_id, to_address, subject, body, status, created) VALUES (?1, ?2, ?3, ?4, ?5, 'queued', ?6)`,
    )
    .bind(
      inv.id,
      user.id,
      to,
      renderSubject(settings.inviteSubject, vars),
      renderTemplate(settings.inviteBody, vars),
      new Date().toISOString(),
    )
    .run();
  await sendQueued(db, inv.id, mailer);
}

/** Sends the mail row `id` while it is still queued, and records what became of it. */
async function sendQueued(db: D1Database, id: string, mailer: Mailer): Promise<void> {
  const mail = await db
    .prepare("SELECT id, to_address AS \"to\", subject, body FROM mail_outbox WHERE id = ?1 AND status = 'queued'")
    .bind(id)
    .first<{ id: string; to: string; subject: string; body: string }>();
  if (!mail) return;
  try {
    const status = await mailer.send(mail);
    await (
      status === "refused"
        ? db
            .prepare("UPDATE mail_outbox SET status = 'refused', error = ?2 WHERE id = ?1")
            .bind(mail.id, "The recipient is not one email address; nothing was sent.")
        : db
            .prepare("UPDATE mail_outbox SET status = ?2, sent = ?3 WHERE id = ?1")
            .bind(mail.id, status, new Date().toISOString())
    ).run();
  } catch (e) {
    await db.prepare("UPDATE mail_outbox SET error = ?2 WHERE id = ?1").bind(mail.id, String(e).slice(0, 500)).run();
    throw e;
  }
}
