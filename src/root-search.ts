import type { Context } from "hono";
import { membersOf, listGroups } from "./groups/repo";
import { renderGroup, wantsMembers } from "./groups/render";
import type { GroupRow } from "./groups/row";
import { GROUPS_TARGET } from "./groups/sql-target";
import type { AppBindings } from "./platform/env";
import { badRequest } from "./scim/errors";
import { type ListQuery, listResponse, parseSearchRequest } from "./scim/list";
import { sqlPage } from "./scim/page";
import { project } from "./scim/projection";
import { mergeSorted, rootSearchTypes } from "./scim/root-search";
import { GROUP_RESOURCE } from "./scim/schema/resources";
import type { ResourceSchema } from "./scim/schema/types";
import type { TenantContext } from "./tenants/context";
import { listUsersResult, listUsersStatement } from "./users/repo";
import { renderUser } from "./users/render";
import type { UserRow } from "./users/row";
import { USERS_TARGET } from "./users/sql-target";
import { readJsonBody } from "./http/body";
import { scimJson } from "./http/respond";

type Json = Record<string, unknown>;

/** One resource type as the root search sees it: its rows for a page, rendered. */
interface Searched {
  resource: ResourceSchema;
  list(q: ListQuery): Promise<{ total: number; docs: Json[] }>;
}

function searchedTypes(t: TenantContext, baseUrl: string): Searched[] {
  const userTarget = { ...USERS_TARGET, resource: t.userResource };
  return [
    {
      resource: t.userResource,
      async list(q) {
        const page = sqlPage(q, userTarget, "u.created");
        const { total, rows } = await listUsersResult(t.db, page, await listUsersStatement(t.db, page).all());
        return { total, docs: rows.map((r: UserRow) => renderUser(r, baseUrl, t.userResource)) };
      },
    },
    {
      resource: GROUP_RESOURCE,
      async list(q) {
        const { total, rows } = await listGroups(t.db, sqlPage(q, GROUPS_TARGET, "g.created"));
        // Members only for the rows of this page, and only when the answer shows them.
        const members =
          wantsMembers(q) && rows.length
            ? await membersOf(
                t.db,
                rows.map((r) => r.id),
              )
            : undefined;
        const docs = rows.map((r: GroupRow) =>
          renderGroup(
            r,
            baseUrl,
            members?.filter((m) => m.group_id === r.id),
          ),
        );
        return { total, docs };
      },
    },
  ];
}

/**
 * RFC 7644 §3.4.3: `POST /.search` over Users and Groups. Unsorted, Users come first (each type
 * in creation order) and the page is cut across the two; sorted, the first rows of each type are
 * merged (up to ROOT_SORTED_WINDOW). Cursors stay on the per-type endpoints.
 */
export async function rootSearch(c: Context<AppBindings>): Promise<Response> {
  const { t } = await c.var.gate.authorize();
  const q = parseSearchRequest((await readJsonBody(c)) as Json);
  if (q.cursor !== undefined) {
    throw badRequest(
      "invalidValue",
      "The search across resource types pages by startIndex and count; cursors are offered by /Users/.search and /Groups/.search.",
    );
  }
  const types = rootSearchTypes(q, searchedTypes(t, c.var.baseUrl));
  const offset = q.startIndex - 1;
  let total = 0;
  const page: { resource: ResourceSchema; doc: Json }[] = [];
  if (q.sortBy) {
    const lists = [];
    for (const s of types) {
      const { total: n, docs } = await s.list({ ...q, startIndex: 1, count: offset + q.count });
      total += n;
      lists.push({ resource: s.resource, docs });
    }
    const byDoc = new Map(lists.flatMap((l) => l.docs.map((d) => [d, l.resource] as const)));
    for (const doc of mergeSorted(lists, q).slice(offset, offset + q.count))
      page.push({ resource: byDoc.get(doc)!, doc });
  } else {
    for (const s of types) {
      const skip = Math.max(0, offset - total);
      const { total: n, docs } = await s.list({ ...q, startIndex: skip + 1, count: q.count - page.length });
      total += n;
      for (const doc of docs) page.push({ resource: s.resource, doc });
    }
  }
  const resources = page.map(({ resource, doc }) => withResourceType(project(doc, resource, q), resource.name));
  return scimJson(listResponse(resources, total, q.startIndex));
}

/** Across types a client tells results apart by `schemas` and `meta.resourceType`, so both always stay. */
function withResourceType(doc: Json, resourceType: string): Json {
  const meta = (doc.meta ?? {}) as Json;
  return { ...doc, meta: { ...meta, resourceType } };
}
