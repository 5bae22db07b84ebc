import { Hono } from "hono";
import { methodNotAllowed } from "../http/respond";
import type { AppBindings } from "../platform/env";
import { listMail, mailQuery } from "./services/mail";
import { valid } from "./validate";

export const mailRoutes = new Hono<AppBindings>();

/** Invitations (P20): what was sent or stored, to whom, with status; newest first. */
mailRoutes.get("/", valid("query", mailQuery), async (c) =>
  c.json({ mail: await listMail(c.var.t.db, c.req.valid("query")) }),
);

mailRoutes.all("/", methodNotAllowed("GET"));
