import { Hono } from "hono";
import { methodNotAllowed } from "../http/respond";
import type { AppBindings } from "../platform/env";
import { adminError } from "./errors";

export const adminGroupRoutes = new Hono<AppBindings>();

/** P13: provisioned groups (and the built-in and imported ones) with their member counts. */
adminGroupRoutes.get("/", async (c) => {
  const { results } = await c.var.t.db
    .prepare(
      `SELECT g.id, g.display_name AS displayName, g.external_id AS externalId, g.source, g.created, g.last_modified AS lastModified,
              (SELECT count(*) FROM group_members m WHERE m.group_id = g.id) AS members
       FROM groups g ORDER BY g.display_name`,
    )
    .all();
  return c.json({ groups: results });
});

adminGroupRoutes.get("/:id", async (c) => {
  const db = c.var.t.db;
  const [g, m] = await db.batch([
    db.prepare("SELECT id, display_name AS displayName, external_id AS externalId, source, created, last_modified AS lastModified FROM groups WHERE id = ?1").bind(c.req.param("id")),
    db
      .prepare(
        `SELECT u.id, u.user_name AS userName, u.display_name AS displayName, u.source, CASE u.active WHEN 1 THEN 'active' ELSE 'suspended' END AS status
         FROM group_members m JOIN users u ON u.id = m.member_id WHERE m.group_id = ?1 ORDER BY u.user_name`,
      )
      .bind(c.req.param("id")),
  ]);
  if (!g.results[0]) throw adminError(404, `No group ${c.req.param("id")}.`);
  return c.json({ ...(g.results[0] as object), members: m.results });
});

adminGroupRoutes.all("/", methodNotAllowed("GET"));
adminGroupRoutes.all("/:id", methodNotAllowed("GET"));
