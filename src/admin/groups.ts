import { Hono } from "hono";
import { methodNotAllowed } from "../http/respond";
import type { AppBindings } from "../platform/env";
import { groupWithMembers, listGroups, memberPageQuery } from "./services/groups";
import { valid } from "./validate";

export const adminGroupRoutes = new Hono<AppBindings>();

/** P13: provisioned groups (and the built-in and imported ones) with their member counts. */
adminGroupRoutes.get("/", async (c) => c.json({ groups: await listGroups(c.var.t.db) }));

/** One group with a page of its members (`limit`, `offset`; `memberCount` is the total). */
adminGroupRoutes.get("/:id", valid("query", memberPageQuery), async (c) =>
  c.json(await groupWithMembers(c.var.t.db, c.req.param("id"), c.req.valid("query"))),
);

adminGroupRoutes.all("/", methodNotAllowed("GET"));
adminGroupRoutes.all("/:id", methodNotAllowed("GET"));
