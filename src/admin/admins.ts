import { Hono } from "hono";
import { methodNotAllowed } from "../http/respond";
import type { AppBindings } from "../platform/env";
import { changeRole, listAdmins, removeAdmin, roleChange } from "./services/admins";
import { valid } from "./validate";

/** Who administers the tenant: read by admins, changed by owners (http/roles.ts). */
export const adminPeopleRoutes = new Hono<AppBindings>();

adminPeopleRoutes.get("/", async (c) => c.json({ admins: await listAdmins(c.var.t.db) }));

adminPeopleRoutes.patch("/:id", valid("json", roleChange), async (c) => {
  await changeRole(c.var.t, c.req.param("id"), c.req.valid("json").role);
  return c.body(null, 204);
});

adminPeopleRoutes.delete("/:id", async (c) => {
  await removeAdmin(c.var.t, c.req.param("id"));
  return c.body(null, 204);
});

adminPeopleRoutes.all("/", methodNotAllowed("GET"));
adminPeopleRoutes.all("/:id", methodNotAllowed("PATCH, DELETE"));
