import { Hono } from "hono";
import { methodNotAllowed } from "../http/respond";
import { z } from "zod";
import { commit } from "../events/commit";
import { audit } from "../events/types";
import { durableSequencer } from "../membership/sequencer";
import type { AppBindings } from "../platform/env";
import { CUSTOM_SCHEMA } from "../scim/schema/custom";
import { ENTERPRISE_SCHEMA } from "../scim/schema/user";
import { primaryEmail } from "../users/managed-apple-id";
import { findUser } from "../users/repo";
import type { UserRow } from "../users/row";
import { adminError } from "./errors";
import { valid } from "./validate";

const query = z.object({
  userName: z.string().max(256).optional(),
  email: z.string().max(256).optional(),
  source: z.enum(["scim", "local", "ldap", "entra-user-source"]).optional(),
  status: z.enum(["active", "suspended"]).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  offset: z.coerce.number().int().min(0).default(0),
});

export const adminUserRoutes = new Hono<AppBindings>();

const summary = (r: UserRow) => {
  const doc = JSON.parse(r.doc);
  return {
    id: r.id,
    userName: r.user_name,
    displayName: r.display_name,
    email: primaryEmail(doc) ?? null,
    source: r.source,
    status: r.active ? "active" : "suspended",
    managedAppleId: r.managed_apple_id,
    created: r.created,
    lastModified: r.last_modified,
  };
};

/** P4: the admin's user list, each user marked with its source. */
adminUserRoutes.get("/", valid("query", query), async (c) => {
  const q = c.req.valid("query");
  const where: string[] = [];
  const params: unknown[] = [];
  const p = (v: unknown) => (params.push(v), `?${params.length}`);
  if (q.userName) where.push(`instr(lower(u.user_name), lower(${p(q.userName)})) > 0`);
  if (q.email) where.push(`u.id IN (SELECT user_id FROM user_emails WHERE instr(lower(value), lower(${p(q.email)})) > 0)`);
  if (q.source) where.push(`u.source = ${p(q.source)}`);
  if (q.status) where.push(`u.active = ${p(q.status === "active" ? 1 : 0)}`);
  const sql = where.length ? where.join(" AND ") : "1";
  const db = c.var.t.db;
  const [count, rows] = await db.batch([
    db.prepare(`SELECT count(*) AS n FROM users u WHERE ${sql}`).bind(...params),
    db.prepare(`SELECT * FROM users u WHERE ${sql} ORDER BY u.user_name LIMIT ${p(q.limit)} OFFSET ${p(q.offset)}`).bind(...params),
  ]);
  return c.json({ total: (count.results[0] as { n: number }).n, users: (rows.results as UserRow[]).map(summary) });
});

/** One user with every attribute: core, enterprise (P17), custom (P18), LDAP (P25), groups. */
adminUserRoutes.get("/:id", async (c) => {
  const db = c.var.t.db;
  const row = await findUser(db, c.req.param("id"));
  if (!row) throw adminError(404, `No user ${c.req.param("id")}.`);
  const { [ENTERPRISE_SCHEMA]: enterprise, [CUSTOM_SCHEMA]: custom, ...core } = JSON.parse(row.doc);
  const { results: groups } = await db
    .prepare("SELECT g.id, g.display_name AS displayName, g.source FROM group_members m JOIN groups g ON g.id = m.group_id WHERE m.member_id = ?1 ORDER BY g.display_name")
    .bind(row.id)
    .all();
  return c.json({
    ...summary(row),
    attributes: core,
    enterprise: enterprise ?? {},
    custom: custom ?? {},
    ldap: row.ldap_attributes ? JSON.parse(row.ldap_attributes) : {},
    groups,
  });
});

/**
 * P9: the only way a user is removed for good. Each group the user is in loses it through that
 * group's sequencer, so no concurrent membership write of the group interleaves; then the row goes.
 */
adminUserRoutes.delete("/:id", async (c) => {
  const t = c.var.t;
  const row = await findUser(t.db, c.req.param("id"));
  if (!row) throw adminError(404, `No user ${c.req.param("id")}.`);
  const { results } = await t.db.prepare("SELECT group_id FROM group_members WHERE member_id = ?1").bind(row.id).all<{ group_id: string }>();
  const seq = durableSequencer(c.env.GROUPS, t);
  for (const g of results) await seq.change(g.group_id, { kind: "remove-user", userId: row.id });
  const event = audit("admin", "hard-delete", "User", row.id, { userName: row.user_name, source: row.source, groups: results.length });
  await commit(
    t,
    [t.db.prepare("DELETE FROM group_members WHERE member_id = ?1").bind(row.id), t.db.prepare("DELETE FROM users WHERE id = ?1").bind(row.id)],
    [event],
  );
  return c.body(null, 204);
});

adminUserRoutes.all("/", methodNotAllowed("GET"));
adminUserRoutes.all("/:id", methodNotAllowed("GET, DELETE"));
