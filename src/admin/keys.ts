import { Hono } from "hono";
import { methodNotAllowed } from "../http/respond";
import type { AppBindings } from "../platform/env";
import { listKeys, newKey } from "./services/keys";
import { valid } from "./validate";

/** Named admin API keys: listed with their last use, added (the key is in that answer only), revoked. */
export const keyRoutes = new Hono<AppBindings>();

keyRoutes.get("/", async (c) => c.json({ keys: await listKeys(c.var.t.db) }));

keyRoutes.post("/", valid("json", newKey), async (c) => {
  const key = await c.var.services.addKey(c.req.valid("json"));
  return c.json({ ...key, note: "The key is shown once. Send it as Authorization: Bearer <key>." }, 201);
});

keyRoutes.delete("/:id", async (c) => {
  await c.var.services.revokeKey(c.req.param("id"));
  return c.body(null, 204);
});

keyRoutes.all("/", methodNotAllowed("GET, POST"));
keyRoutes.all("/:id", methodNotAllowed("DELETE"));
