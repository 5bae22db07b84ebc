import { Hono } from "hono";
import { methodNotAllowed, scimJson } from "./http/respond";
import { rootSearch } from "./root-search";
import { authorizeFirst } from "./http/tenant";
import type { AppBindings } from "./platform/env";
import { bulkRoutes } from "./bulk/routes";
import { groupRoutes } from "./groups/routes";
import { userRoutes } from "./users/routes";
import { resourceTypeList, resourceTypeOf, schemaList, schemaOf, serviceProviderConfig } from "./scim/discovery";
import { notFound } from "./scim/errors";
import type { TenantContext } from "./tenants/context";
import { tenantResources, tenantSchemas } from "./scim/schema/resources";
import { ROLE_RESOURCE, roleSchema } from "./scim/schema/role";
import { roleRoutes } from "./roles/routes";

/** Discovery is per tenant: its User type carries its own custom attribute extension (P18); Role: docs/roles.md. */
const resourcesOf = (t: TenantContext) => [...tenantResources(t.userResource), ROLE_RESOURCE];
const schemasOf = (t: TenantContext) => [...tenantSchemas(t.userResource), roleSchema];

/** The SCIM API of one tenant, mounted under /t/:tenant/scim/v2 after authentication. */
export const scimRoutes = new Hono<AppBindings>();

scimRoutes.route("/Users", userRoutes);
scimRoutes.route("/Groups", groupRoutes);
scimRoutes.route("/Roles", roleRoutes);
scimRoutes.route("/Bulk", bulkRoutes);
scimRoutes.post("/.search", rootSearch);
scimRoutes.all("/.search", methodNotAllowed("POST"));

scimRoutes.get("/ServiceProviderConfig", authorizeFirst, (c) =>
  scimJson(serviceProviderConfig(c.var.baseUrl, c.var.t.settings.dialect)),
);
// Microsoft's reference Postman collection asks for this older name.
scimRoutes.get("/serviceConfiguration", authorizeFirst, (c) =>
  scimJson(serviceProviderConfig(c.var.baseUrl, c.var.t.settings.dialect)),
);
scimRoutes.get("/ResourceTypes", authorizeFirst, (c) =>
  scimJson(resourceTypeList(resourcesOf(c.var.t), c.var.baseUrl)),
);
scimRoutes.get("/ResourceTypes/:name", authorizeFirst, (c) => {
  const rs = resourcesOf(c.var.t).find((r) => r.name.toLowerCase() === c.req.param("name").toLowerCase());
  if (!rs) throw notFound(`No resource type "${c.req.param("name")}".`);
  return scimJson(resourceTypeOf(rs, c.var.baseUrl));
});
scimRoutes.get("/Schemas", authorizeFirst, (c) => scimJson(schemaList(schemasOf(c.var.t), c.var.baseUrl)));
scimRoutes.get("/Schemas/:id", authorizeFirst, (c) => {
  const s = schemasOf(c.var.t).find((x) => x.id.toLowerCase() === c.req.param("id").toLowerCase());
  if (!s) throw notFound(`No schema "${c.req.param("id")}".`);
  return scimJson(schemaOf(s, c.var.baseUrl));
});
