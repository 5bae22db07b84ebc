import type { Context, MiddlewareHandler } from "hono";
import { publishQuietly, queueBus } from "../events/outbox";
import { refusedEvent, recordRefusal } from "../events/refusals";
import type { AppBindings } from "../platform/env";
import { ScimError } from "../scim/errors";
import { unauthorized, verifyBearer } from "../tenants/auth";
import { tenantDatabase } from "../tenants/resolve";
import type { TokenScope } from "../tenants/tokens";

/**
 * Resolves `/t/:tenant/...` to the tenant's database and authenticates the bearer token for
 * that tenant and scope. An unknown tenant is 404; every token problem is the same bare 401
 * so that nothing about other tenants or token states is revealed.
 *
 * After the handler, the events the request committed go to the Queue, off the response path;
 * a refused write is audited (P23) on the way out.
 */
export function tenantAuth(scope: TokenScope, prefix: string): MiddlewareHandler<AppBindings> {
  return async (c, next) => {
    const slug = c.req.param("tenant") ?? "";
    const db = tenantDatabase(c.env, slug);
    if (!db) throw new ScimError(404, `No tenant "${slug.slice(0, 40)}" is served here.`);
    const result = await verifyBearer(c.req.header("Authorization"), slug, scope, c.env.TOKENS, db);
    if (!result.ok) throw unauthorized();
    const t = result.tenant;
    c.set("t", t);
    c.set("baseUrl", `${new URL(c.req.url).origin}/t/${slug}${prefix}`);
    await next();
    if (c.error instanceof ScimError && c.req.method !== "GET" && c.error.status >= 400 && c.error.status < 500) {
      const event = refusedEvent(scope === "scim" ? "scim" : "admin", c.req.method, new URL(c.req.url).pathname, c.error);
      if (await recordRefusal(db, event)) t.committed.push(event);
    }
    background(c, publishQuietly(queueBus(c.env.EVENTS), slug, t.committed));
  };
}

function background(c: Context, work: Promise<void>) {
  try {
    c.executionCtx.waitUntil(work);
  } catch {
    // No execution context (direct app.request in tests): the work still runs, unawaited.
  }
}
