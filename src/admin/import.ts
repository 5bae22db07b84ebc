import { Hono } from "hono";
import { methodNotAllowed } from "../http/respond";
import type { AppBindings } from "../platform/env";
import { importBody, importDirectory } from "./services/import";
import { valid } from "./validate";

/** `POST /admin/api/import` (P11, P24, P25); the rules and the writes are in services/import.ts. */
export const importRoutes = new Hono<AppBindings>();

importRoutes.post("/", valid("json", importBody), async (c) =>
  c.json(await importDirectory(c.var.t, c.req.valid("json")), 201),
);

importRoutes.all("/", methodNotAllowed("POST"));
