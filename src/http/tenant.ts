import type { MiddlewareHandler } from "hono";
import type { AppBindings } from "../platform/env";
import { ScimError } from "../scim/errors";
import { unauthorized, verifyBearer } from "../tenants/auth";
import { tenantDatabase } from "../tenants/resolve";
import type { TokenScope } from "../tenants/tokens";

/**
 * Resolves `/t/:tenant/...` to the tenant's database and authenticates the bearer token for
 * that tenant and scope. An unknown tenant is 404; every token problem is the same bare 401
 * so that nothing about other tenants or token states is revealed.
 */
export function tenantAuth(scope: TokenScope, prefix: string): MiddlewareHandler<AppBindings> {
  return async (c, next) => {
    const tenant = c.req.param("tenant") ?? "";
    const db = tenantDatabase(c.env, tenant);
    if (!db) throw new ScimError(404, `No tenant "${tenant.slice(0, 40)}" is served here.`);
    const result = await verifyBearer(c.req.header("Authorization"), tenant, scope, c.env.TOKENS, db);
    if (!result.ok) throw unauthorized();
    c.set("tenant", tenant);
    c.set("db", db);
    c.set("baseUrl", `${new URL(c.req.url).origin}/t/${tenant}${prefix}`);
    await next();
  };
}
