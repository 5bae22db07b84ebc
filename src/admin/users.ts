import { Hono } from "hono";
import { methodNotAllowed } from "../http/respond";
import type { AppBindings } from "../platform/env";
import { listUsers, listUsersByCursor, userListQuery, userProfile } from "./services/users";
import { valid } from "./validate";

export const adminUserRoutes = new Hono<AppBindings>();

/** P4: the admin's user list, each user marked with its source. */
adminUserRoutes.get("/", valid("query", userListQuery), async (c) => {
  const q = c.req.valid("query");
  const cursor = q.cursor;
  return c.json(
    cursor === undefined ? await listUsers(c.var.t.db, q) : await listUsersByCursor(c.var.t, { ...q, cursor }),
  );
});

adminUserRoutes.get("/:id", async (c) => c.json(await userProfile(c.var.t.db, c.req.param("id"))));

/** P9: the only hard delete; memberships go through each group's Durable Object. */
adminUserRoutes.delete("/:id", async (c) => {
  await c.var.services.hardDeleteUser(c.req.param("id"));
  return c.body(null, 204);
});

adminUserRoutes.all("/", methodNotAllowed("GET"));
adminUserRoutes.all("/:id", methodNotAllowed("GET, DELETE"));
