import { type Context, Hono } from "hono";
import { readJsonBody } from "../http/body";
import { methodNotAllowed, notModifiedResponse, scimJson } from "../http/respond";
import { authorizeFirst } from "../http/tenant";
import { durableSequencer } from "../membership/sequencer";
import type { AppBindings } from "../platform/env";
import { cursorListResponse, cursorListing } from "../scim/cursor-page";
import type { TenantContext } from "../tenants/context";
import { tenantCursorKey } from "../tenants/cursor-key";
import { type ListQuery, listResponse, parseListQuery, parseSearchRequest } from "../scim/list";
import { etagOf, notModified, preconditionsOf } from "../scim/meta";
import { sqlPage } from "../scim/page";
import { parsePatchBody } from "../scim/patch-body";
import { project } from "../scim/projection";
import { GROUP_RESOURCE } from "../scim/schema/resources";
import { listGroups, membersOf } from "./repo";
import { renderGroup, wantsMembers } from "./render";
import type { GroupRow } from "./row";
import { createGroup, deleteGroup, getGroup, patchGroup, replaceGroup } from "./service";
import { GROUPS_KEYSET, GROUPS_TARGET } from "./sql-target";

type Projection = { attributes?: string; excludedAttributes?: string };

export const groupRoutes = new Hono<AppBindings>();

groupRoutes.use("*", authorizeFirst);

async function rendered(db: D1Database, rows: GroupRow[], baseUrl: string, p: Projection) {
  const members = wantsMembers(p)
    ? await membersOf(
        db,
        rows.map((r) => r.id),
      )
    : undefined;
  return rows.map((r) =>
    project(
      renderGroup(
        r,
        baseUrl,
        members?.filter((m) => m.group_id === r.id),
      ),
      GROUP_RESOURCE,
      p,
    ),
  );
}

async function one(db: D1Database, row: GroupRow, baseUrl: string, p: Projection, status = 200) {
  const headers: Record<string, string> = { ETag: etagOf(row.version) };
  if (status === 201) headers.Location = `${baseUrl}/Groups/${row.id}`;
  return scimJson((await rendered(db, [row], baseUrl, p))[0], status, headers);
}

async function search(t: TenantContext, baseUrl: string, q: ListQuery) {
  const db = t.db;
  if (q.cursor !== undefined) {
    const page = await cursorListing({
      q,
      target: GROUPS_TARGET,
      keyset: GROUPS_KEYSET,
      scope: { tenant: t.slug, resource: "Group" },
      key: () => tenantCursorKey(t),
      run: (p) => listGroups(db, p),
    });
    return scimJson(cursorListResponse(await rendered(db, page.rows, baseUrl, q), page.total, page.nextCursor));
  }
  const { total, rows } = await listGroups(db, sqlPage(q, GROUPS_TARGET, "g.created"));
  return scimJson(listResponse(await rendered(db, rows, baseUrl, q), total, q.startIndex));
}

const sequencer = (c: Context<AppBindings>) => durableSequencer(c.env.GROUPS, c.var.t);

groupRoutes.get("/", (c) => search(c.var.t, c.var.baseUrl, parseListQuery(c.req.query())));
groupRoutes.post("/.search", async (c) =>
  search(c.var.t, c.var.baseUrl, parseSearchRequest((await readJsonBody(c)) as Record<string, unknown>)),
);
groupRoutes.get("/:id", async (c) => {
  const row = await getGroup(c.var.t.db, c.req.param("id"));
  if (notModified(c.req.header("If-None-Match"), row.version)) return notModifiedResponse(row.version);
  return one(c.var.t.db, row, c.var.baseUrl, c.req.query());
});

groupRoutes.post("/", async (c) =>
  one(c.var.t.db, await createGroup(c.var.t, await readJsonBody(c)), c.var.baseUrl, c.req.query(), 201),
);

groupRoutes.put("/:id", async (c) => {
  const row = await replaceGroup(
    sequencer(c),
    c.req.param("id"),
    await readJsonBody(c),
    preconditionsOf(c.req.raw.headers),
  );
  return one(c.var.t.db, row, c.var.baseUrl, c.req.query());
});

/** 204 like Users (see there), 200 with the group when a representation is asked for. */
groupRoutes.patch("/:id", async (c) => {
  const ops = parsePatchBody(await readJsonBody(c));
  const row = await patchGroup(sequencer(c), c.req.param("id"), ops, preconditionsOf(c.req.raw.headers));
  const q = c.req.query();
  if (q.attributes || q.excludedAttributes) return one(c.var.t.db, row, c.var.baseUrl, q);
  return new Response(null, { status: 204, headers: { ETag: etagOf(row.version) } });
});

groupRoutes.delete("/:id", async (c) => {
  await deleteGroup(sequencer(c), c.req.param("id"), preconditionsOf(c.req.raw.headers));
  return new Response(null, { status: 204 });
});

groupRoutes.all("/", methodNotAllowed("GET, POST"));
groupRoutes.all("/.search", methodNotAllowed("POST"));
groupRoutes.all("/:id", methodNotAllowed("GET, PUT, PATCH, DELETE"));
