import { z } from "zod";
import { readMail } from "../../events/mail-log";

export type { MailRow } from "../../events/mail-log";

export const mailQuery = z.object({
  status: z.enum(["queued", "stored", "sent", "refused"]).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  offset: z.coerce.number().int().min(0).default(0),
});

/** Invitations (P20): what was sent or stored, to whom, with status; newest first. */
export const listMail = (db: D1Database, q: z.infer<typeof mailQuery>) => readMail(db, q.status, q.limit, q.offset);
