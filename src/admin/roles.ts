import { Hono } from "hono";
import { methodNotAllowed } from "../http/respond";
import type { AppBindings } from "../platform/env";
import { mappingBody, previewRoles, rolesOfUser, rolesView, saveRoles } from "./services/roles";
import { valid } from "./validate";

/** The tenant's roles and their mapping (docs/roles.md). */
export const adminRoleRoutes = new Hono<AppBindings>();

adminRoleRoutes.get("/", async (c) => c.json(await rolesView(c.var.t, c.var.services.roleCatalog())));
adminRoleRoutes.put("/", valid("json", mappingBody), async (c) =>
  c.json(await saveRoles(c.var.t, c.var.services.roleCatalog(), c.req.valid("json"))),
);
adminRoleRoutes.post("/preview", valid("json", mappingBody), async (c) =>
  c.json(await previewRoles(c.var.t, c.var.services.roleCatalog(), c.req.valid("json"))),
);
adminRoleRoutes.get("/progress", async (c) =>
  c.json((await rolesView(c.var.t, c.var.services.roleCatalog())).recompute),
);
adminRoleRoutes.get("/users/:id", async (c) =>
  c.json(await rolesOfUser(c.var.t, c.var.services.roleCatalog(), c.req.param("id"))),
);

adminRoleRoutes.all("/", methodNotAllowed("GET, PUT"));
adminRoleRoutes.all("/preview", methodNotAllowed("POST"));
adminRoleRoutes.all("/progress", methodNotAllowed("GET"));
adminRoleRoutes.all("/users/:id", methodNotAllowed("GET"));
