import { type Context, Hono } from "hono";
import { readJsonBody } from "../http/body";
import { methodNotAllowed, notModifiedResponse, scimJson } from "../http/respond";
import type { AppBindings } from "../platform/env";
import { cursorListResponse, cursorListing } from "../scim/cursor-page";
import { tenantCursorKey } from "../tenants/cursor-key";
import { type ListQuery, listResponse, parseListQuery, parseSearchRequest } from "../scim/list";
import { etagOf, notModified, preconditionsOf } from "../scim/meta";
import { type SqlPage, sqlPage } from "../scim/page";
import { parsePatchBody } from "../scim/patch-body";
import { project } from "../scim/projection";
import { USER_RESOURCE } from "../scim/schema/resources";
import type { TenantContext } from "../tenants/context";
import { rememberUser } from "./recent";
import { findUser, findUserStatement, listUsersResult, listUsersStatement } from "./repo";
import { renderUser } from "./render";
import type { UserRow } from "./row";
import { USERS_KEYSET, USERS_TARGET } from "./sql-target";
import { scimDeleteUser } from "./delete";
import { createUser, orNotFound, patchUser, replaceUser } from "./service";

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
 * Before the token is known good only reads of fixed, small cost may run. Entra's
 * lookup before a create (`userName eq "..."` or `externalId eq "..."`, no sortBy) is one: an
 * indexed lookup of one row (userName is unique; an externalId is one source object's), so it
 * rides in the token check's D1 batch and saves a round trip on the hot path. The shape is told
 * by a bounded, linear regular expression, not by the filter parser: an unauthenticated caller
 * gets nothing else parsed, compiled or run. Every other query waits for the token.
 */
const HOT_LOOKUP_MAX_CHARS = 512;
const HOT_LOOKUP = /^\s*(?:userName|externalId)\s+eq\s+"(?:[^"\\]|\\.)*"\s*$/i;

/** Rows of a lookup this isolate keeps for the writes that follow (Entra looks one user up at a time). */
const REMEMBERED_PER_LOOKUP = 5;

const isHotLookup = (q: ListQuery) =>
  !q.sortBy && q.filter !== undefined && q.filter.length <= HOT_LOOKUP_MAX_CHARS && HOT_LOOKUP.test(q.filter);

/** RFC 9865: a cursor page needs the tenant's key. */
function cursorSearch(c: C, t: TenantContext, q: ListQuery) {
  return cursorListing({
    q,
    target: { ...USERS_TARGET, resource: t.userResource },
    keyset: USERS_KEYSET,
    scope: { tenant: t.slug, resource: "User" },
    key: () => tenantCursorKey(t),
    run: async (p) => listUsersResult(t.db, p, await listUsersStatement(t.db, p).all()),
  }).then((page) => {
    const resources = page.rows.map((r) => withProjection(t, r, c.var.baseUrl, q));
    return scimJson(cursorListResponse(resources, page.total, page.nextCursor));
  });
}

/**
 * One query. On the classic way (see TenantGate.run) Entra's hot lookups ride in the token
 * check's batch (`prefetch`) and every other filter compiles after the token is good; on the
 * one-trip way the query rides in one batch behind the token's guard, so it runs only if the
 * token is good, but its filter is compiled before (only for a token this isolate knows).
 */
async function searchIn(c: C, t: TenantContext, q: ListQuery, hot?: SqlPage, prefetched?: D1Result[]) {
  if (q.cursor !== undefined) return cursorSearch(c, t, q);
  // The tenant's own attributes (P18) are known here, so any filter compiles.
  const page = hot ?? sqlPage(q, { ...USERS_TARGET, resource: t.userResource }, "u.created");
  const result = await listUsersResult(t.db, page, prefetched?.[0] ?? (await listUsersStatement(t.db, page).all()));
  for (const row of result.rows.slice(0, REMEMBERED_PER_LOOKUP)) rememberUser(t, row);
  return scimJson(
    listResponse(
      result.rows.map((r) => withProjection(t, r, c.var.baseUrl, q)),
      result.total,
      q.startIndex,
    ),
  );
}

function search(c: C, q: ListQuery) {
  const hot =
    q.cursor === undefined && isHotLookup(q)
      ? sqlPage(q, { ...USERS_TARGET, resource: USER_RESOURCE }, "u.created")
      : undefined;
  return c.var.gate.run(
    (t, prefetched) => searchIn(c, t, q, hot, prefetched),
    hot ? (db) => [listUsersStatement(db, hot)] : undefined,
  );
}

/** Runs `work` for the user named in the path, with its row when the token check read it. */
function withUser<T>(c: C, work: (t: TenantContext, id: string, current: UserRow | null | undefined) => Promise<T>) {
  const id = c.req.param("id") ?? "";
  return c.var.gate.run(
    (t, prefetched) =>
      work(t, id, prefetched ? ((prefetched[0].results[0] as UserRow | undefined) ?? null) : undefined),
    (db) => [findUserStatement(db, id)],
  );
}

userRoutes.get("/", (c) => search(c, parseListQuery(c.req.query())));

// Bodies are read only after the token is good, or in the one-trip way only for a
// token this isolate knows, in every handler below.
userRoutes.post("/.search", (c) =>
  c.var.gate.run(async (t) => searchIn(c, t, parseSearchRequest((await readJsonBody(c)) as Record<string, unknown>))),
);

userRoutes.get("/:id", (c) =>
  withUser(c, async (t, id, current) => {
    const row = orNotFound(current === undefined ? await findUser(t.db, id) : current, id);
    rememberUser(t, row);
    if (notModified(c.req.header("If-None-Match"), row.version)) return notModifiedResponse(row.version);
    return one(t, row, c.var.baseUrl, c.req.query());
  }),
);

userRoutes.post("/", (c) =>
  c.var.gate.run(async (t) => {
    const { row } = await createUser(t, await readJsonBody(c));
    return one(t, row, c.var.baseUrl, c.req.query(), 201);
  }),
);

userRoutes.put("/:id", (c) =>
  withUser(c, async (t, id, current) => {
    const body = await readJsonBody(c);
    const { row } = await replaceUser(t, id, body, preconditionsOf(c.req.raw.headers), current);
    return one(t, row, c.var.baseUrl, c.req.query());
  }),
);

/**
 * RFC 7644 3.5.2 lets a PATCH answer 200 with the resource or 204. We answer 204 (what
 * Microsoft's reference implementation and its test collection expect) unless the client asks
 * for a representation with `attributes` or `excludedAttributes`.
 */
userRoutes.patch("/:id", (c) =>
  withUser(c, async (t, id, current) => {
    const ops = parsePatchBody(await readJsonBody(c));
    const { row } = await patchUser(t, id, ops, preconditionsOf(c.req.raw.headers), current);
    const q = c.req.query();
    if (q.attributes || q.excludedAttributes) return one(t, row, c.var.baseUrl, q);
    return new Response(null, { status: 204, headers: { ETag: etagOf(row.version) } });
  }),
);

userRoutes.delete("/:id", (c) =>
  withUser(c, async (t, id, current) => {
    await scimDeleteUser(t, id, () => c.var.sequencerFor(t), preconditionsOf(c.req.raw.headers), current);
    return new Response(null, { status: 204 });
  }),
);

userRoutes.all("/", methodNotAllowed("GET, POST"));
userRoutes.all("/.search", methodNotAllowed("POST"));
userRoutes.all("/:id", methodNotAllowed("GET, PUT, PATCH, DELETE"));
