import { Hono } from "hono";
import { methodNotAllowed } from "../http/respond";
import { z } from "zod";
import type { AppBindings } from "../platform/env";
import { valid } from "./validate";

const query = z.object({
  status: z.enum(["queued", "stored", "sent"]).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  offset: z.coerce.number().int().min(0).default(0),
});

export const mailRoutes = new Hono<AppBindings>();

/** Invitations (P20): what was sent or stored, to whom, with status; newest first. */
mailRoutes.get("/", valid("query", query), async (c) => {
  const q = c.req.valid("query");
  const filter = q.status ? "WHERE status = ?3" : "";
  const { results } = await c.var.t.db
    .prepare(
      `SELECT id, user_id AS userId, to_address AS "to", subject, body, status, created, sent, error
       FROM mail_outbox ${filter} ORDER BY created DESC, id DESC LIMIT ?1 OFFSET ?2`,
    )
    .bind(q.limit, q.offset, ...(q.status ? [q.status] : []))
    .all();
  return c.json({ mail: results });
});

mailRoutes.all("/", methodNotAllowed("GET"));
