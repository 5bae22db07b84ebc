import { Hono } from "hono";
import { readJsonBody } from "../http/body";
import { methodNotAllowed, scimJson } from "../http/respond";
import type { AppBindings } from "../platform/env";
import { etagOf } from "../scim/meta";
import { type ListQuery, listResponse, parseListQuery } from "../scim/list";
import { sqlPage } from "../scim/page";
import { parsePatchBody } from "../scim/patch-body";
import { USERS_TARGET } from "../scim/filter/sql";
import { project } from "../scim/projection";
import type { TenantContext } from "../tenants/context";
import { listUsers } from "./repo";
import { renderUser } from "./render";
import type { UserRow } from "./row";
import { createUser, getUser, patchUser, replaceUser, softDeleteUser } from "./service";

type Projection = { attributes?: string; excludedAttributes?: string };

export const userRoutes = new Hono<AppBindings>();

const withProjection = (t: TenantContext, row: UserRow, baseUrl: string, p: Projection) =>
  project(renderUser(row, baseUrl, t.userResource), t.userResource, p);

const one = (t: TenantContext, row: UserRow, baseUrl: string, p: Projection, status = 200) => {
  const headers: Record<string, string> = { ETag: etagOf(row.version) };
  if (status === 201) headers.Location = `${baseUrl}/Users/${row.id}`;
  return scimJson(withProjection(t, row, baseUrl, p), status, headers);
};

async function search(t: TenantContext, baseUrl: string, q: ListQuery) {
  const { total, rows } = await listUsers(t.db, sqlPage(q, { ...USERS_TARGET, resource: t.userResource }, "u.created"));
  return scimJson(listResponse(rows.map((r) => withProjection(t, r, baseUrl, q)), total, q.startIndex));
}

userRoutes.get("/", (c) => search(c.var.t, c.var.baseUrl, parseListQuery(c.req.query())));

userRoutes.post("/.search", async (c) => search(c.var.t, c.var.baseUrl, parseListQuery((await readJsonBody(c)) as Record<string, unknown>)));

userRoutes.get("/:id", async (c) => one(c.var.t, await getUser(c.var.t.db, c.req.param("id")), c.var.baseUrl, c.req.query()));

userRoutes.post("/", async (c) => {
  const { row } = await createUser(c.var.t, await readJsonBody(c));
  return one(c.var.t, row, c.var.baseUrl, c.req.query(), 201);
});

userRoutes.put("/:id", async (c) => {
  const { row } = await replaceUser(c.var.t, c.req.param("id"), await readJsonBody(c), c.req.header("If-Match"));
  return one(c.var.t, row, c.var.baseUrl, c.req.query());
});

/**
 * RFC 7644 3.5.2 lets a PATCH answer 200 with the resource or 204. We answer 204 (what
 * Microsoft's reference implementation and its test collection expect) unless the client asks
 * for a representation with `attributes` or `excludedAttributes`.
 */
userRoutes.patch("/:id", async (c) => {
  const ops = parsePatchBody(await readJsonBody(c));
  const { row } = await patchUser(c.var.t, c.req.param("id"), ops, c.req.header("If-Match"));
  const q = c.req.query();
  if (q.attributes || q.excludedAttributes) return one(c.var.t, row, c.var.baseUrl, q);
  return new Response(null, { status: 204, headers: { ETag: etagOf(row.version) } });
});

userRoutes.delete("/:id", async (c) => {
  await softDeleteUser(c.var.t, c.req.param("id"), c.req.header("If-Match"));
  return new Response(null, { status: 204 });
});

userRoutes.all("/", methodNotAllowed("GET, POST"));
userRoutes.all("/.search", methodNotAllowed("POST"));
userRoutes.all("/:id", methodNotAllowed("GET, PUT, PATCH, DELETE"));
