import type { Context, MiddlewareHandler } from "hono";
import { afterRefusedRequest, afterScimRequest } from "../activity/hooks";
import { publishQuietly, queueBus } from "../events/outbox";
import { recordRefusal, refusedEvent } from "../events/refusals";
import type { AppBindings } from "../platform/env";
import { ScimError } from "../scim/errors";
import { unauthorized, verifyBearer } from "../tenants/auth";
import type { TenantContext } from "../tenants/context";
import { tenantDatabase } from "../tenants/resolve";
import type { TokenScope } from "../tenants/tokens";

/**
 * A request's way to its tenant. The database handle exists only behind `authorize`, and the
 * token is checked at the latest after the handler, its answer replaced by 401 when the token
 * is not good (see tenantGate): no handler can read or write a tenant's data, or answer
 * anything, without a good token.
 */
export interface TenantGate {
  /** Verifies the token (once per request); `prefetch` reads ride in the same D1 batch. */
  authorize(prefetch?: (db: D1Database) => D1PreparedStatement[]): Promise<{ t: TenantContext; prefetched: D1Result[] }>;
}

/**
 * Resolves `/t/:tenant/...` to the tenant's database (unknown tenant: 404) and installs the
 * gate for `scope`. Every token problem is the same bare 401, revealing nothing about other
 * tenants or token states. After the handler, the events the request committed go to the
 * Queue off the response path, and a refused write is audited (P23).
 */
export function tenantGate(scope: TokenScope, prefix: string, render401: (err: ScimError) => Response): MiddlewareHandler<AppBindings> {
  return async (c, next) => {
    const slug = c.req.param("tenant") ?? "";
    const db = tenantDatabase(c.env, slug);
    if (!db) throw new ScimError(404, `No tenant "${slug.slice(0, 40)}" is served here.`);
    const started = Date.now();
    let t: TenantContext | undefined;
    let tokenId: string | null = null;
    let refusal = "missing";
    c.set("gate", {
      async authorize(prefetch) {
        if (t) return { t, prefetched: prefetch ? await db.batch(prefetch(db)) : [] };
        const result = await verifyBearer(c.req.header("Authorization"), slug, scope, c.env.TOKENS, db, prefetch?.(db));
        if (!result.ok) {
          refusal = result.reason;
          throw unauthorized();
        }
        t = result.tenant;
        tokenId = result.tokenId;
        c.set("t", t);
        return { t, prefetched: result.prefetched };
      },
    });
    c.set("baseUrl", `${new URL(c.req.url).origin}/t/${slug}${prefix}`);
    await next();
    // A handler that needed no data (discovery of a 404, a 405) still answers only a good token.
    if (!t) {
      try {
        await c.var.gate.authorize();
      } catch {
        c.res = render401(unauthorized());
        if (scope === "scim") background(c, afterRefusedRequest(c.env, slug, refusal));
        return;
      }
    }
    if (!t) return;
    if (c.error instanceof ScimError && c.req.method !== "GET" && c.error.status >= 400 && c.error.status < 500) {
      const event = refusedEvent(scope === "scim" ? "scim" : "admin", c.req.method, new URL(c.req.url).pathname, c.error);
      if (await recordRefusal(db, event)) t.committed.push(event);
    }
    if (scope === "scim") background(c, afterScimRequest(c, slug, started, tokenId, t.committed));
    else background(c, publishQuietly(queueBus(c.env.EVENTS), slug, t.committed));
  };
}

/** For routes without reads worth prefetching: authorize before the handler runs. */
export const authorizeFirst: MiddlewareHandler<AppBindings> = async (c, next) => {
  await c.var.gate.authorize();
  await next();
};

function background(c: Context, work: Promise<void>) {
  try {
    c.executionCtx.waitUntil(work);
  } catch {
    // No execution context (direct app.request in tests): the work still runs, unawaited.
  }
}
