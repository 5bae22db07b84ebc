import { type Context, Hono } from "hono";
import { readJsonBody } from "../http/body";
import { methodNotAllowed, notModifiedResponse, scimJson } from "../http/respond";
import type { AppBindings } from "../platform/env";
import { cursorListResponse, cursorListing } from "../scim/cursor-page";
import { tenantCursorKey } from "../tenants/cursor-key";
import { type ListQuery, listResponse, parseListQuery, parseSearchRequest } from "../scim/list";
import { etagOf, notModified, preconditionsOf } from "../scim/meta";
import { sqlPage } from "../scim/page";
import { parsePatchBody } from "../scim/patch-body";
import { project } from "../scim/projection";
import { USER_RESOURCE } from "../scim/schema/resources";
import type { TenantContext } from "../tenants/context";
import { findUserStatement, listUsersResult, listUsersStatement } from "./repo";
import { renderUser } from "./render";
import type { UserRow } from "./row";
import { USERS_KEYSET, USERS_TARGET } from "./sql-target";
import { createUser, orNotFound, patchUser, replaceUser, softDeleteUser } from "./service";

/**
 * The routes of Entra's hot path. Each one's first read, a single-row indexed lookup, rides in the
 * D1 batch of the token check (tenant gate, `prefetch`): a userName lookup, a GET, a PATCH cost
 * one KV read and one D1 round trip before their write, not two.
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
 * Issue 12: before the token is known good only reads of fixed, small cost may run. Entra's
 * lookup before a create (`userName eq "..."` or `externalId eq "..."`, no sortBy) is one: an
 * indexed lookup of one row (userName is unique; an externalId is one source object's), so it
 * rides in the token check's D1 batch and saves a round trip on the hot path. The shape is told
 * by a bounded, linear regular expression, not by the filter parser: an unauthenticated caller
 * gets nothing else parsed, compiled or run. Every other query waits for the token.
 */
const HOT_LOOKUP_MAX_CHARS = 512;
const HOT_LOOKUP = /^\s*(?:userName|externalId)\s+eq\s+"(?:[^"\\]|\\.)*"\s*$/i;

const isHotLookup = (q: ListQuery) =>
  !q.sortBy && q.filter !== undefined && q.filter.length <= HOT_LOOKUP_MAX_CHARS && HOT_LOOKUP.test(q.filter);

/** RFC 9865: a cursor page needs the tenant's key, so it runs after the token check. */
async function cursorSearch(c: C, q: ListQuery) {
  const { t } = await c.var.gate.authorize();
  const page = await cursorListing({
    q,
    target: { ...USERS_TARGET, resource: t.userResource },
    keyset: USERS_KEYSET,
    scope: { tenant: t.slug, resource: "User" },
    key: () => tenantCursorKey(t),
    run: async (p) => listUsersResult(t.db, p, await listUsersStatement(t.db, p).all()),
  });
  const resources = page.rows.map((r) => withProjection(t, r, c.var.baseUrl, q));
  return scimJson(cursorListResponse(resources, page.total, page.nextCursor));
}

async function search(c: C, q: ListQuery) {
  if (q.cursor !== undefined) return cursorSearch(c, q);
  const { gate, baseUrl } = c.var;
  let t: TenantContext;
  let result: Awaited<ReturnType<typeof listUsersResult>>;
  if (isHotLookup(q)) {
    const page = sqlPage(q, { ...USERS_TARGET, resource: USER_RESOURCE }, "u.created");
    const auth = await gate.authorize((db) => [listUsersStatement(db, page)]);
    t = auth.t;
    result = await listUsersResult(t.db, page, auth.prefetched[0]);
  } else {
    // After the token: the tenant's own attributes (P18) are known, so any filter compiles.
    t = (await gate.authorize()).t;
    const page = sqlPage(q, { ...USERS_TARGET, resource: t.userResource }, "u.created");
    result = await listUsersResult(t.db, page, await listUsersStatement(t.db, page).all());
  }
  return scimJson(
    listResponse(
      result.rows.map((r) => withProjection(t, r, baseUrl, q)),
      result.total,
      q.startIndex,
    ),
  );
}

/** The user named in the path, read with the token check. */
async function withUser(c: C) {
  const id = c.req.param("id") ?? "";
  const { t, prefetched } = await c.var.gate.authorize((db) => [findUserStatement(db, id)]);
  return { t, id, current: (prefetched[0].results[0] as UserRow | undefined) ?? null };
}

userRoutes.get("/", (c) => search(c, parseListQuery(c.req.query())));

// Bodies are read only after the token is good (issue 12), in every handler below.
userRoutes.post("/.search", async (c) => {
  await c.var.gate.authorize();
  return search(c, parseSearchRequest((await readJsonBody(c)) as Record<string, unknown>));
});

userRoutes.get("/:id", async (c) => {
  const { t, id, current } = await withUser(c);
  const row = orNotFound(current, id);
  if (notModified(c.req.header("If-None-Match"), row.version)) return notModifiedResponse(row.version);
  return one(t, row, c.var.baseUrl, c.req.query());
});

userRoutes.post("/", async (c) => {
  const { t } = await c.var.gate.authorize();
  const body = await readJsonBody(c);
  const { row } = await createUser(t, body);
  return one(t, row, c.var.baseUrl, c.req.query(), 201);
});

userRoutes.put("/:id", async (c) => {
  const { t, id, current } = await withUser(c);
  const body = await readJsonBody(c);
  const { row } = await replaceUser(t, id, body, preconditionsOf(c.req.raw.headers), current);
  return one(t, row, c.var.baseUrl, c.req.query());
});

/**
 * RFC 7644 3.5.2 lets a PATCH answer 200 with the resource or 204. We answer 204 (what
 * Microsoft's reference implementation and its test collection expect) unless the client asks
 * for a representation with `attributes` or `excludedAttributes`.
 */
userRoutes.patch("/:id", async (c) => {
  const { t, id, current } = await withUser(c);
  const ops = parsePatchBody(await readJsonBody(c));
  const { row } = await patchUser(t, id, ops, preconditionsOf(c.req.raw.headers), current);
  const q = c.req.query();
  if (q.attributes || q.excludedAttributes) return one(t, row, c.var.baseUrl, q);
  return new Response(null, { status: 204, headers: { ETag: etagOf(row.version) } });
});

userRoutes.delete("/:id", async (c) => {
  const { t, id, current } = await withUser(c);
  await softDeleteUser(t, id, preconditionsOf(c.req.raw.headers), current);
  return new Response(null, { status: 204 });
});

userRoutes.all("/", methodNotAllowed("GET, POST"));
userRoutes.all("/.search", methodNotAllowed("POST"));
userRoutes.all("/:id", methodNotAllowed("GET, PUT, PATCH, DELETE"));
