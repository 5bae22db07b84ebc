import { type Context, Hono } from "hono";
import { readJsonBody } from "../http/body";
import { methodNotAllowed, scimJson } from "../http/respond";
import type { AppBindings } from "../platform/env";
import { USERS_TARGET } from "../scim/filter/sql";
import { type ListQuery, listResponse, parseListQuery } from "../scim/list";
import { etagOf } from "../scim/meta";
import { sqlPage } from "../scim/page";
import { parsePatchBody } from "../scim/patch-body";
import { project } from "../scim/projection";
import { CUSTOM_SCHEMA } from "../scim/schema/custom";
import { USER_RESOURCE } from "../scim/schema/resources";
import type { TenantContext } from "../tenants/context";
import { findUserStatement, listUsersResult, listUsersStatement } from "./repo";
import { renderUser } from "./render";
import type { UserRow } from "./row";
import { createUser, orNotFound, patchUser, replaceUser, softDeleteUser } from "./service";

/**
 * The routes of Entra's hot path. Each one's first read rides in the D1 batch of the token check
 * (tenant gate, `prefetch`): a userName lookup, a GET, a PATCH cost one KV read and one D1
 * round trip before their write, not two.
 */
type Projection = { attributes?: string; excludedAttributes?: string };
type C = Context<AppBindings>;

export const userRoutes = new Hono<AppBindings>();

const withProjection = (t: TenantContext, row: UserRow, baseUrl: string, p: Projection) =>
  project(renderUser(row, baseUrl, t.userResource), t.userResource, p);

const one = (t: TenantContext, row: UserRow, baseUrl: string, p: Projection, status = 200) => {
  const headers: Record<string, string> = { ETag: etagOf(row.version) };
  if (status === 201) headers.Location = `${baseUrl}/Users/${row.id}`;
  return scimJson(withProjection(t, row, baseUrl, p), status, headers);
};

/**
 * A query naming the custom attribute extension needs the tenant's own definitions (P18) to
 * compile, known only after the token check; every other query compiles before it.
 */
const needsTenantSchema = (q: ListQuery) =>
  [q.filter, q.sortBy].some((s) => s?.toLowerCase().includes(CUSTOM_SCHEMA.toLowerCase()));

async function search(c: C, q: ListQuery) {
  const { gate, baseUrl } = c.var;
  let t: TenantContext;
  let result: Awaited<ReturnType<typeof listUsersResult>>;
  if (needsTenantSchema(q)) {
    t = (await gate.authorize()).t;
    const page = sqlPage(q, { ...USERS_TARGET, resource: t.userResource }, "u.created");
    result = await listUsersResult(t.db, page, await listUsersStatement(t.db, page).all());
  } else {
    const page = sqlPage(q, { ...USERS_TARGET, resource: USER_RESOURCE }, "u.created");
    const auth = await gate.authorize((db) => [listUsersStatement(db, page)]);
    t = auth.t;
    result = await listUsersResult(t.db, page, auth.prefetched[0]);
  }
  return scimJson(listResponse(result.rows.map((r) => withProjection(t, r, baseUrl, q)), result.total, q.startIndex));
}

/** The user named in the path, read with the token check. */
async function withUser(c: C) {
  const id = c.req.param("id") ?? "";
  const { t, prefetched } = await c.var.gate.authorize((db) => [findUserStatement(db, id)]);
  return { t, id, current: (prefetched[0].results[0] as UserRow | undefined) ?? null };
}

userRoutes.get("/", (c) => search(c, parseListQuery(c.req.query())));

userRoutes.post("/.search", async (c) => search(c, parseListQuery((await readJsonBody(c)) as Record<string, unknown>)));

userRoutes.get("/:id", async (c) => {
  const { t, id, current } = await withUser(c);
  return one(t, orNotFound(current, id), c.var.baseUrl, c.req.query());
});

userRoutes.post("/", async (c) => {
  const body = await readJsonBody(c);
  const { t } = await c.var.gate.authorize();
  const { row } = await createUser(t, body);
  return one(t, row, c.var.baseUrl, c.req.query(), 201);
});

userRoutes.put("/:id", async (c) => {
  const body = await readJsonBody(c);
  const { t, id, current } = await withUser(c);
  const { row } = await replaceUser(t, id, body, c.req.header("If-Match"), current);
  return one(t, row, c.var.baseUrl, c.req.query());
});

/**
 * RFC 7644 3.5.2 lets a PATCH answer 200 with the resource or 204. We answer 204 (what
 * Microsoft's reference implementation and its test collection expect) unless the client asks
 * for a representation with `attributes` or `excludedAttributes`.
 */
userRoutes.patch("/:id", async (c) => {
  const ops = parsePatchBody(await readJsonBody(c));
  const { t, id, current } = await withUser(c);
  const { row } = await patchUser(t, id, ops, c.req.header("If-Match"), current);
  const q = c.req.query();
  if (q.attributes || q.excludedAttributes) return one(t, row, c.var.baseUrl, q);
  return new Response(null, { status: 204, headers: { ETag: etagOf(row.version) } });
});

userRoutes.delete("/:id", async (c) => {
  const { t, id, current } = await withUser(c);
  await softDeleteUser(t, id, c.req.header("If-Match"), current);
  return new Response(null, { status: 204 });
});

userRoutes.all("/", methodNotAllowed("GET, POST"));
userRoutes.all("/.search", methodNotAllowed("POST"));
userRoutes.all("/:id", methodNotAllowed("GET, PUT, PATCH, DELETE"));
