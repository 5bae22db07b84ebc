import { type Context, Hono } from "hono";
import { methodNotAllowed, scimJson } from "../http/respond";
import { authorizeFirst } from "../http/tenant";
import type { AppBindings } from "../platform/env";
import { notFound } from "../scim/errors";
import { matchesResource } from "../scim/filter/evaluate";
import { parseFilter } from "../scim/filter/parser";
import { listResponse, parseListQuery } from "../scim/list";
import { project } from "../scim/projection";
import { ROLE_RESOURCE, ROLE_SCHEMA } from "../scim/schema/role";
import type { CatalogRole } from "./catalog";
import { type RoleConfig } from "./compute";
import { readRoleConfig } from "./repo";

/**
 * GET /Roles (draft-ietf-scim-roles-entitlements 3.3.2): every role of the product's catalog,
 * `supported` where this tenant uses it, as the tenant labels it. Read only; a small list, so
 * filters are evaluated in memory.
 */
export const roleRoutes = new Hono<AppBindings>();

function roleDocs(catalog: CatalogRole[], config: RoleConfig, baseUrl: string) {
  const used = new Map(config.roles.map((r) => [r.id, r]));
  return catalog.map((c) => {
    const r = used.get(c.id);
    return {
      schemas: [ROLE_SCHEMA],
      id: c.id,
      value: c.id,
      display: r?.label ?? c.name,
      ...(c.description ? { description: c.description } : {}),
      supported: r !== undefined,
      limitedAssignmentsPermitted: false,
      contains: r?.contains ?? [],
      containedBy: config.roles.filter((x) => x.contains.includes(c.id)).map((x) => x.id),
      meta: { resourceType: "Role", location: `${baseUrl}/Roles/${encodeURIComponent(c.id)}` },
    };
  });
}

const docsOf = async (c: Context<AppBindings>) => {
  const catalog = c.var.services.roleCatalog();
  const config = await readRoleConfig(
    c.var.t.db,
    catalog.map((r) => r.id),
  );
  return roleDocs(catalog, config, c.var.baseUrl);
};

roleRoutes.get("/", authorizeFirst, async (c) => {
  const q = parseListQuery(c.req.query());
  const filter = q.filter === undefined ? undefined : parseFilter(q.filter);
  const all = (await docsOf(c)).filter((d) => !filter || matchesResource(filter, d, ROLE_RESOURCE));
  const page = all.slice(q.startIndex - 1, q.startIndex - 1 + q.count);
  const projected = page.map((d) => project(d, ROLE_RESOURCE, q));
  return scimJson(listResponse(projected, all.length, q.startIndex));
});

roleRoutes.get("/:id", authorizeFirst, async (c) => {
  const doc = (await docsOf(c)).find((d) => d.id === c.req.param("id"));
  if (!doc) throw notFound(`Role ${c.req.param("id").slice(0, 100)} not found.`);
  return scimJson(project(doc, ROLE_RESOURCE, c.req.query()));
});

roleRoutes.all("/", methodNotAllowed("GET"));
roleRoutes.all("/:id", methodNotAllowed("GET"));
