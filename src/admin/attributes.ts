import { Hono } from "hono";
import { methodNotAllowed } from "../http/respond";
import type { AppBindings } from "../platform/env";
import { defineAttribute, deleteAttribute, listAttributes, newAttribute } from "./services/attributes";
import { valid } from "./validate";

export const attributeRoutes = new Hono<AppBindings>();

attributeRoutes.get("/", async (c) => c.json({ attributes: await listAttributes(c.var.t.db) }));

attributeRoutes.post("/", valid("json", newAttribute), async (c) =>
  c.json(await defineAttribute(c.var.t, c.req.valid("json").name), 201),
);

attributeRoutes.delete("/:name", async (c) => {
  await deleteAttribute(c.var.t, c.req.param("name"));
  return c.body(null, 204);
});

attributeRoutes.all("/", methodNotAllowed("GET, POST"));
attributeRoutes.all("/:name", methodNotAllowed("DELETE"));
