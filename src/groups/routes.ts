import { type Context, Hono } from "hono";
import { readJsonBody } from "../http/body";
import { methodNotAllowed, scimJson } from "../http/respond";
import { authorizeFirst } from "../http/tenant";
import { durableSequencer } from "../membership/sequencer";
import type { AppBindings } from "../platform/env";
import { type ListQuery, listResponse, parseListQuery } from "../scim/list";
import { etagOf } from "../scim/meta";
import { sqlPage } from "../scim/page";
import { parsePatchBody } from "../scim/patch-body";
import { project } from "../scim/projection";
import { GROUP_RESOURCE } from "../scim/schema/resources";
import { listGroups, membersOf } from "./repo";
import { renderGroup, wantsMembers } from "./render";
import type { GroupRow } from "./row";
import { createGroup, deleteGroup, getGroup, patchGroup, replaceGroup } from "./service";
import { GROUPS_TARGET } from "./sql-target";

type Projection = { attributes?: string; excludedAttributes?: string };

export const groupRoutes = new Hono<AppBindings>();

groupRoutes.use("*", authorizeFirst);

async function rendered(db: D1Database, rows: GroupRow[], baseUrl: string, p: Projection) {
  const members = wantsMembers(p) ? await membersOf(db, rows.map((r) => r.id)) : undefined;
  return rows.map((r) => project(renderGroup(r, baseUrl, members?.filter((m) => m.group_id === r.id)), GROUP_RESOURCE, p));
}

async function one(db: D1Database, row: GroupRow, baseUrl: string, p: Projection, status = 200) {
  const headers: Record<string, string> = { ETag: etagOf(row.version) };
  if (status === 201) headers.Location = `${baseUrl}/Groups/${row.id}`;
  return scimJson((await rendered(db, [row], baseUrl, p))[0], status, headers);
}

async function search(db: D1Database, baseUrl: string, q: ListQuery) {
  const { total, rows } = await listGroups(db, sqlPage(q, GROUPS_TARGET, "g.created"));
  return scimJson(listResponse(await rendered(db, rows, baseUrl, q), total, q.startIndex));
}

const sequencer = (c: Context<AppBindings>) => durableSequencer(c.env.GROUPS, c.var.t);

groupRoutes.get("/", (c) => search(c.var.t.db, c.var.baseUrl, parseListQuery(c.req.query())));
groupRoutes.post("/.search", async (c) => search(c.var.t.db, c.var.baseUrl, parseListQuery((await readJsonBody(c)) as Record<string, unknown>)));
groupRoutes.get("/:id", async (c) => one(c.var.t.db, await getGroup(c.var.t.db, c.req.param("id")), c.var.baseUrl, c.req.query()));

groupRoutes.post("/", async (c) => one(c.var.t.db, await createGroup(c.var.t, await readJsonBody(c)), c.var.baseUrl, c.req.query(), 201));

groupRoutes.put("/:id", async (c) => {
  const row = await replaceGroup(sequencer(c), c.req.param("id"), await readJsonBody(c), c.req.header("If-Match"));
  return one(c.var.t.db, row, c.var.baseUrl, c.req.query());
});

/** 204 like Users (see there), 200 with the group when a representation is asked for. */
groupRoutes.patch("/:id", async (c) => {
  const ops = parsePatchBody(await readJsonBody(c));
  const row = await patchGroup(sequencer(c), c.req.param("id"), ops, c.req.header("If-Match"));
  const q = c.req.query();
  if (q.attributes || q.excludedAttributes) return one(c.var.t.db, row, c.var.baseUrl, q);
  return new Response(null, { status: 204, headers: { ETag: etagOf(row.version) } });
});

groupRoutes.delete("/:id", async (c) => {
  await deleteGroup(sequencer(c), c.req.param("id"), c.req.header("If-Match"));
  return new Response(null, { status: 204 });
});

groupRoutes.all("/", methodNotAllowed("GET, POST"));
groupRoutes.all("/.search", methodNotAllowed("POST"));
groupRoutes.all("/:id", methodNotAllowed("GET, PUT, PATCH, DELETE"));
