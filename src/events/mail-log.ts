/** A `mail_outbox` row as the admin reads it (P20). */
export interface MailRow {
  id: string;
  userId: string;
  to: string;
  subject: string;
  body: string;
  status: string;
  created: string;
  sent: string | null;
  error: string | null;
}

/** Invitations, newest first, optionally of one status. */
export async function readMail(
  db: D1Database,
  status: string | undefined,
  limit: number,
  offset: number,
): Promise<MailRow[]> {
  const filter = status ? "WHERE status = ?3" : "";
  const { results } = await db
    .prepare(
      `SELECT id, user_id AS userId, to_address AS "to", subject, body, status, created, sent, error
       FROM mail_outbox ${filter} ORDER BY created DESC, id DESC LIMIT ?1 OFFSET ?2`,
    )
    .bind(limit, offset, ...(status ? [status] : []))
    .all<MailRow>();
  return results;
}

/** The invitation of one user, if any (a user is invited at most once, P20). */
export const mailOfUserStatement = (db: D1Database, userId: string) =>
  db
    .prepare(
      `SELECT id, user_id AS userId, to_address AS "to", subject, body, status, created, sent, error FROM mail_outbox WHERE user_id = ?1`,
    )
    .bind(userId);
