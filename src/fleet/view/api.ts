import { Hono } from "hono";
import type { AppBindings } from "../../platform/env";
import { clock } from "../../platform/clock";
import { ScimError } from "../../scim/errors";
import { tenantDatabase } from "../../tenants/resolve";
import { cellHealth, refreshTenant } from "../health/record";
import { type HealthSort, SORTS, cellReport, sortReports, tenantReport } from "../health/report";
import { type HealthState, STATES } from "../health/states";
import { currentSuspension } from "../lifecycle";
import { requireOperator } from "../operator";

/** At most this many tenants in one answer; `offset` pages on. */
const LIMIT_MAX = 1000;
const Q_MAX = 64;

export interface ListQuery {
  state: HealthState | null;
  sort: HealthSort;
  q: string;
  limit: number;
  offset: number;
}

const intIn = (v: string | undefined, name: string, def: number, max: number) => {
  if (v === undefined || v === "") return def;
  if (!/^\d{1,7}$/.test(v) || Number(v) > max)
    throw new ScimError(400, `"${name}" must be a whole number from 0 to ${max}.`);
  return Number(v);
};

/** The list's query, checked whole: an unknown parameter value is a 400 naming what is allowed. */
export function parseListQuery(query: Record<string, string>): ListQuery {
  const unknown = Object.keys(query).filter((k) => !["state", "sort", "q", "limit", "offset"].includes(k));
  if (unknown.length)
    throw new ScimError(400, `Unknown parameter "${unknown[0].slice(0, 32)}"; use state, sort, q, limit, offset.`);
  const state = query.state ?? "";
  if (state && !(STATES as readonly string[]).includes(state))
    throw new ScimError(400, `"state" must be one of ${STATES.join(", ")}.`);
  const sort = query.sort ?? "state";
  if (!(SORTS as readonly string[]).includes(sort))
    throw new ScimError(400, `"sort" must be one of ${SORTS.join(", ")}.`);
  const q = (query.q ?? "").trim().toLowerCase();
  if (q.length > Q_MAX || !/^[a-z0-9-]*$/.test(q))
    throw new ScimError(400, `"q" is part of a tenant slug: at most ${Q_MAX} lowercase letters, digits and hyphens.`);
  return {
    state: (state || null) as HealthState | null,
    sort: sort as HealthSort,
    q,
    limit: intIn(query.limit, "limit", 200, LIMIT_MAX),
    offset: intIn(query.offset, "offset", 0, 10_000_000),
  };
}

/**
 * The cell's tenants with their health (docs/fleet.md, "Tenant health"), for a dashboard or the
 * other cells' fleet view: `GET /fleet/api/tenants?state=&sort=&q=&limit=&offset=`. Counts are
 * per state over the whole cell, before the filter.
 */
export async function listTenants(env: AppBindings["Bindings"], query: ListQuery, now: number) {
  const all = await cellReport(env, now);
  const counts = Object.fromEntries(STATES.map((s) => [s, all.filter((t) => t.state === s).length]));
  const matching = sortReports(
    all.filter((t) => (!query.state || t.state === query.state) && t.tenant.includes(query.q)),
    query.sort,
  );
  return {
    cell: env.CELL ?? "",
    at: new Date(now).toISOString(),
    total: matching.length,
    counts,
    tenants: matching.slice(query.offset, query.offset + query.limit),
  };
}

export const healthApi = new Hono<AppBindings>();

healthApi.get("/tenants", async (c) => c.json(await listTenants(c.env, parseListQuery(c.req.query()), clock.now())));

healthApi.get("/tenants/:slug", async (c) => {
  const slug = c.req.param("slug");
  const db = tenantDatabase(c.env, slug);
  if (!db) throw new ScimError(404, `No tenant "${slug.slice(0, 64)}" in cell "${c.env.CELL ?? ""}".`);
  const [suspension, health] = await Promise.all([currentSuspension(db), tenantReport(c.env, slug, clock.now())]);
  return c.json({ tenant: slug, cell: c.env.CELL ?? "", suspension, health });
});

/** Reads the tenant's facts again now (after the customer fixed a secret, say): operators only. */
healthApi.post("/tenants/:slug/refresh", requireOperator, async (c) => {
  const slug = c.req.param("slug");
  const now = clock.now();
  if (!(await refreshTenant(c.env, cellHealth(c.env), slug, now)))
    throw new ScimError(404, `No tenant "${slug.slice(0, 64)}" in cell "${c.env.CELL ?? ""}".`);
  return c.json({ tenant: slug, health: await tenantReport(c.env, slug, now) });
});
