import { type Context, Hono } from "hono";
import { readJsonBody } from "../http/body";
import { methodNotAllowed, notModifiedResponse, scimJson } from "../http/respond";
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
import { notFound } from "../scim/errors";
import { findGroupStatement, listGroups, membersOf, membersOfStatement } from "./repo";
import { renderGroup, wantsMembers } from "./render";
import { recentGroups } from "./recent";
import type { GroupRow, MemberRow } from "./row";
import { createGroup, deleteGroup, patchGroup, replaceGroup } from "./service";
import { GROUPS_KEYSET, GROUPS_TARGET } from "./sql-target";

type Projection = { attributes?: string; excludedAttributes?: string };

export const groupRoutes = new Hono<AppBindings>();

/**
 * Reads run through the gate's one-trip way (TenantGate.run); writes that go through
 * the group's Durable Object check the token first, so nothing reaches the object's queue
 * before the token is known good.
 */
const authorized = async (c: Context<AppBindings>) => (await c.var.gate.authorize()).t;

/** `known`: the members already read (or known empty), keyed by group; others are read here. */
async function rendered(db: D1Database, rows: GroupRow[], baseUrl: string, p: Projection, known?: MemberRow[]) {
  const members = wantsMembers(p)
    ? (known ??
      (await membersOf(
        db,
        rows.map((r) => r.id),
      )))
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

async function one(db: D1Database, row: GroupRow, baseUrl: string, p: Projection, status = 200, known?: MemberRow[]) {
  const headers: Record<string, string> = { ETag: etagOf(row.version) };
  if (status === 201) headers.Location = `${baseUrl}/Groups/${row.id}`;
  return scimJson((await rendered(db, [row], baseUrl, p, known))[0], status, headers);
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
  for (const row of rows.slice(0, REMEMBERED_PER_LOOKUP)) recentGroups.remember(t.slug, row);
  return scimJson(listResponse(await rendered(db, rows, baseUrl, q), total, q.startIndex));
}

/** Rows of a lookup this isolate keeps for the changes that follow (Entra looks one group up at a time). */
const REMEMBERED_PER_LOOKUP = 5;

const sequencer = (c: Context<AppBindings>, t: TenantContext) => c.var.sequencerFor(t);

groupRoutes.get("/", (c) => c.var.gate.run((t) => search(t, c.var.baseUrl, parseListQuery(c.req.query()))));
groupRoutes.post("/.search", (c) =>
  c.var.gate.run(async (t) =>
    search(t, c.var.baseUrl, parseSearchRequest((await readJsonBody(c)) as Record<string, unknown>)),
  ),
);
/** The group and, when the answer shows them, its members: one batch. */
groupRoutes.get("/:id", (c) =>
  c.var.gate.run(async (t) => {
    const id = c.req.param("id");
    const q = c.req.query();
    const members = wantsMembers(q);
    const [found, listed] = await t.db.batch([
      findGroupStatement(t.db, id),
      ...(members ? [membersOfStatement(t.db, [id])] : []),
    ]);
    const row = found.results[0] as GroupRow | undefined;
    if (!row) throw notFound(`Group ${id} not found.`);
    recentGroups.remember(t.slug, row);
    if (notModified(c.req.header("If-None-Match"), row.version)) return notModifiedResponse(row.version);
    return one(t.db, row, c.var.baseUrl, q, 200, members ? (listed.results as MemberRow[]) : undefined);
  }),
);

groupRoutes.post("/", (c) =>
  c.var.gate.run(async (t) => {
    const { row, members } = await createGroup(t, await readJsonBody(c));
    recentGroups.remember(t.slug, row);
    // A group created without members needs no read to show them.
    return one(t.db, row, c.var.baseUrl, c.req.query(), 201, members.length ? undefined : []);
  }),
);

groupRoutes.put("/:id", async (c) => {
  const t = await authorized(c);
  const q = c.req.query();
  // The members the answer shows come back from the object's own batch.
  const { row, members } = await replaceGroup(
    sequencer(c, t),
    c.req.param("id"),
    await readJsonBody(c),
    preconditionsOf(c.req.raw.headers),
    wantsMembers(q),
    t.settings.dialect,
  );
  return one(t.db, row, c.var.baseUrl, q, 200, members);
});

/** 204 like Users (see there), 200 with the group when a representation is asked for. */
groupRoutes.patch("/:id", async (c) => {
  const t = await authorized(c);
  const ops = parsePatchBody(await readJsonBody(c));
  const row = await patchGroup(
    sequencer(c, t),
    c.req.param("id"),
    ops,
    preconditionsOf(c.req.raw.headers),
    t.settings.dialect,
  );
  const q = c.req.query();
  if (q.attributes || q.excludedAttributes) return one(t.db, row, c.var.baseUrl, q);
  return new Response(null, { status: 204, headers: { ETag: etagOf(row.version) } });
});

groupRoutes.delete("/:id", async (c) => {
  const t = await authorized(c);
  await deleteGroup(sequencer(c, t), c.req.param("id"), preconditionsOf(c.req.raw.headers));
  return new Response(null, { status: 204 });
});

groupRoutes.all("/", methodNotAllowed("GET, POST"));
groupRoutes.all("/.search", methodNotAllowed("POST"));
groupRoutes.all("/:id", methodNotAllowed("GET, PUT, PATCH, DELETE"));
