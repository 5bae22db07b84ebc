import type { Context, MiddlewareHandler } from "hono";
import { afterRefusedRequest, afterScimRequest } from "../activity/hooks";
import { publishQuietly, queueBus } from "../events/outbox";
import { analyticsSink, routeOf } from "../fleet/metrics";
import { cellWork, markWork } from "../fleet/work";
import { countedD1 } from "../platform/round-trips";
import { recordRefusal, refusedEvent } from "../events/refusals";
import { attributed } from "../events/types";
import { noteKeyUse } from "../tenants/key-use";
import type { AppBindings } from "../platform/env";
import { ScimError } from "../scim/errors";
import { type AuthResult, unauthorized, verifyBearer } from "../tenants/auth";
import type { TenantContext } from "../tenants/context";
import { tenantDatabase } from "../tenants/resolve";
import type { TokenScope } from "../tenants/tokens";
import { GuardFailed, GuardUnchecked, TokenRevoked } from "../tenants/guarded-db";
import { FAILURE_PERIOD_SECONDS, countFailure } from "./auth-failures";
import { speculativeTenant } from "./one-trip";
import { payUnknownTenant } from "./unknown-tenant";
import { publicBase } from "./public-url";
import { checkScimRate } from "./scim-rate";

/**
 * A request's way to its tenant. The database handle exists only behind `authorize`, and the
 * token is checked at the latest after the handler, its answer replaced by 401 when the token
 * is not good (see tenantGate): no handler can read or write a tenant's data, or answer
 * anything, without a good token.
 *
 * Before the verdict only reads of fixed, small cost may run (issue 12): `prefetch` is for the
 * single-row indexed lookups of Entra's hot path, and handlers read request bodies only after
 * `authorize` returned.
 */
export interface TenantGate {
  /** Verifies the token (once per request); `prefetch` reads ride in the same D1 batch. */
  authorize(
    prefetch?: (db: D1Database) => D1PreparedStatement[],
  ): Promise<{ t: TenantContext; prefetched: D1Result[] }>;
  /**
   * Issue 18: runs `work` with the tenant, in as few D1 round trips as this isolate allows. When
   * it can (http/one-trip.ts), `work` runs at once and its first round trip carries the token
   * check; if the guard refuses (token not current, tenant state changed), the token is checked
   * the classic way and `work` runs again, from scratch, or the request is refused. Any other
   * failure of that first trip (D1 failing) is 503, never a re-run. Every later round trip
   * carries the token-only guard (tenants/guarded-db.ts), so a rotation stops the request's writes.
   * Otherwise the classic way: `authorize(prefetch)`, then `work` gets the prefetched results.
   * `work` must keep everything it does before its first round trip in memory (no sends).
   */
  run<T>(
    work: (t: TenantContext, prefetched?: D1Result[]) => Promise<T>,
    prefetch?: (db: D1Database) => D1PreparedStatement[],
  ): Promise<T>;
}

/** What the tenant gate puts on every request it lets through (Hono's typed context variables). */
declare module "hono" {
  interface ContextVariableMap {
    gate: TenantGate;
    t: TenantContext;
    baseUrl: string;
  }
}

/** How a request proves it may act for the tenant: a bearer token, or the console's session cookie. */
export type Credentials = (
  c: Context<AppBindings>,
  slug: string,
  db: D1Database,
  prefetch?: D1PreparedStatement[],
) => Promise<AuthResult>;

const bearer =
  (scope: TokenScope): Credentials =>
  (c, slug, db, prefetch) =>
    verifyBearer(c.req.header("Authorization"), slug, scope, c.env.TOKENS, db, prefetch);

/**
 * Resolves `/t/:tenant/...` to the tenant's database and installs the gate for `scope`. Every
 * token problem, and an unknown tenant, is the same bare 401 (429 once refusals repeat, see
 * auth-failures.ts), revealing nothing about tenants or token states. After the handler, the
 * events the request committed go to the Queue off the response path, and a refused write is
 * audited (P23).
 */
export function tenantGate(
  scope: TokenScope,
  prefix: string,
  render: (err: ScimError) => Response,
  custom?: Credentials,
): MiddlewareHandler<AppBindings> {
  const credentials = custom ?? bearer(scope);
  return async (c, next) => {
    const slug = c.req.param("tenant") ?? "";
    const started = Date.now();
    const bound = tenantDatabase(c.env, slug);
    // Issue 12: an unknown slug answers like a known tenant refusing a token (status, body,
    // headers, rate limit) after the same steps (unknown-tenant.ts): slugs cannot be told apart.
    if (!bound) {
      await payUnknownTenant(c.env, c.req.header("Authorization"));
      const res = await refusal(c, slug, render);
      if (scope === "scim") writePoint(c, res, { tenant: "", prefix, started, reason: "auth:unknown", roundTrips: 0 });
      return res;
    }
    const metered = countedD1(bound);
    const db = metered.db;
    let t: TenantContext | undefined;
    let tokenId: string | null = null;
    /** Why the token was refused, for the activity's unauthenticated counts (never sent). */
    let refusedFor = "missing";
    /** Set once the token was refused or could not be checked: later `authorize` calls fail at once. */
    let verdict: "refused" | "unchecked" | undefined;
    /** The tenant's rate ceiling counts each request once, when its token is first known good. */
    let rateCounted = false;
    const countRequest = async (passed: TenantContext) => {
      if (rateCounted || scope !== "scim") return;
      rateCounted = true;
      await checkScimRate(c.env, passed);
    };
    const gate: TenantGate = {
      async run(work, prefetch) {
        const early =
          t || verdict || scope !== "scim" || custom !== undefined
            ? undefined
            : await speculativeTenant(c.req.header("Authorization"), slug, scope, db, (passed, id) => {
                t = passed;
                tokenId = id;
                c.set("t", passed);
              });
        // A tenant remembered as suspended takes the classic way, which reads its current state.
        if (early && !early.suspension) {
          await countRequest(early);
          try {
            return await work(early);
          } catch (e) {
            if (e instanceof GuardUnchecked) {
              verdict = "unchecked";
              console.error(JSON.stringify({ msg: "token check failed", tenant: slug, error: String(e.cause) }));
              throw uncheckable();
            }
            if (!(e instanceof GuardFailed)) throw e;
            if (t === early) t = undefined;
          }
        }
        const auth = await gate.authorize(prefetch);
        return work(auth.t, prefetch ? auth.prefetched : undefined);
      },
      async authorize(prefetch) {
        if (t) {
          refuseSuspended(scope, t);
          return { t, prefetched: prefetch ? await db.batch(prefetch(db)) : [] };
        }
        if (verdict === "refused") throw unauthorized();
        if (verdict === "unchecked") throw uncheckable();
        let result: AuthResult;
        try {
          result = await credentials(c, slug, db, prefetch?.(db));
        } catch (e) {
          verdict = "unchecked";
          console.error(JSON.stringify({ msg: "token check failed", tenant: slug, error: String(e) }));
          throw uncheckable();
        }
        if (!result.ok) {
          verdict = "refused";
          refusedFor = result.reason;
          throw unauthorized();
        }
        t = result.tenant;
        tokenId = result.tokenId;
        c.set("t", t);
        refuseSuspended(scope, t);
        await countRequest(t);
        return { t, prefetched: result.prefetched };
      },
    };
    c.set("gate", gate);
    c.set("baseUrl", `${publicBase(c.env, c.req.url)}/t/${slug}${prefix}`);
    await next();
    // The token was rotated while the request ran (guarded-db.ts): answered as any refusal.
    if (c.error instanceof TokenRevoked) {
      t = undefined;
      verdict = "refused";
      refusedFor = "revoked";
    }
    // A handler that needed no data (discovery of a 404, a 405) still answers only a good token.
    if (!t && !verdict) await c.var.gate.authorize().catch(() => undefined);
    if (t) await afterGoodToken(c, scope, t, started, tokenId);
    else {
      // A token that could not be checked is not a refusal: 503 (Entra retries it), never counted
      // by the rate limit, so an outage cannot turn a good token into 401s and then 429s.
      c.res = verdict === "refused" ? await refusal(c, slug, render) : render(uncheckable());
      if (verdict === "refused" && scope === "scim") background(c, afterRefusedRequest(c.env, slug, refusedFor));
    }
    if (scope !== "scim") return;
    const err = c.error instanceof ScimError ? c.error : undefined;
    const reason = t
      ? (err?.reason ?? err?.scimType ?? (c.res.status >= 400 ? `status:${c.res.status}` : ""))
      : verdict === "refused"
        ? `auth:${refusedFor}`
        : "auth:unchecked";
    writePoint(c, c.res, { tenant: slug, prefix, started, reason, roundTrips: metered.trips() });
  };
}

/** The request's Analytics Engine data point (fleet/metrics.ts): a call that returns at once. */
function writePoint(
  c: Context<AppBindings>,
  res: Response,
  p: { tenant: string; prefix: string; started: number; reason: string; roundTrips: number },
) {
  const below = c.req.path.slice(`/t/${c.req.param("tenant") ?? ""}${p.prefix}`.length);
  analyticsSink(c.env).write({
    tenant: p.tenant,
    cell: c.env.CELL ?? "",
    route: routeOf(c.req.method, below),
    status: res.status,
    reason: p.reason,
    latencyMs: Date.now() - p.started,
    roundTrips: p.roundTrips,
  });
}

/**
 * A suspended tenant's SCIM requests: 403 with the reason, after the token was found good (so
 * nothing is said to a stranger). 403 rather than 503: the refusal lasts until the vendor resumes
 * the tenant, so Entra should not retry it as an outage; Entra shows the detail in its
 * provisioning logs, where the customer's admin reads it, and its next cycles bring the changes
 * across after resume. The tenant's data is kept as it is.
 */
function refuseSuspended(scope: TokenScope, t: TenantContext) {
  if (scope !== "scim" || !t.suspension) return;
  const why = t.suspension.reason ? ` Reason: ${t.suspension.reason}.` : "";
  throw new ScimError(
    403,
    `Provisioning to this tenant is suspended by the service provider.${why} Its data is kept; contact the provider to resume it.`,
    undefined,
    "tenant-suspended",
  );
}

const uncheckable = () => new ScimError(503, "The token could not be checked right now; retry later.");

/**
 * The answer to a request without a good token: 401, or 429 + Retry-After once this address
 * or this tenant slug has had too many refusals (auth-failures.ts). Never throws.
 */
async function refusal(c: Context<AppBindings>, slug: string, render: (err: ScimError) => Response): Promise<Response> {
  if (!(await countFailure(c.env, c.req.raw.headers, slug))) return render(unauthorized());
  const detail = `Too many failed authentication attempts; retry after ${FAILURE_PERIOD_SECONDS} seconds.`;
  const res = render(new ScimError(429, detail));
  res.headers.set("Retry-After", String(FAILURE_PERIOD_SECONDS));
  return res;
}

/**
 * Work after the handler of a request with a good token. The client's answer is already
 * decided, so nothing here may throw (issue 12: a refusal audit that threw turned a 404 into
 * a 500): each step catches and logs its own failure.
 */
async function afterGoodToken(
  c: Context<AppBindings>,
  scope: TokenScope,
  t: TenantContext,
  started: number,
  tokenId: string | null,
): Promise<void> {
  try {
    // A 429 of the rate ceiling is not audited: a runaway client would write a row per request.
    const err = c.error instanceof ScimError && c.error.status !== 429 ? c.error : undefined;
    if (err && c.req.method !== "GET" && err.status >= 400 && err.status < 500) {
      const event = attributed(
        refusedEvent(scope === "scim" ? "scim" : "admin", c.req.method, new URL(c.req.url).pathname, err),
        t.principal,
      );
      if (await recordRefusal(t.db, event)) t.committed.push(event);
    }
  } catch (e) {
    console.warn(JSON.stringify({ msg: "could not audit a refused request", error: String(e) }));
  }
  if (scope === "scim") background(c, afterScimRequest(c, t.slug, started, tokenId, t.committed));
  else {
    background(c, publishQuietly(queueBus(c.env.EVENTS), t.slug, t.committed));
    if (t.principal?.by.kind === "key") background(c, noteKeyUse(t.db, t.principal.id));
  }
  // Outbox rows were written: the cell's cron checks this tenant once the Queue had its chance.
  if (t.committed.length) background(c, markWork(cellWork(c.env), t.slug));
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
