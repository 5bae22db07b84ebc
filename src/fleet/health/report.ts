import type { Env } from "../../platform/env";
import { tenantsOf } from "../../tenants/resolve";
import { cellHealth, refreshTenant } from "./record";
import { type Condition, type HealthState, STATES, conditionsOf, quarantineDistance } from "./states";
import type { HealthRow } from "./types";

export interface TenantHealth {
  tenant: string;
  cell: string;
  state: HealthState;
  since: string | null;
  conditions: Condition[];
  lastEntra: string | null;
  firstSeen: string | null;
  everConnected: boolean;
  onboarded: string | null;
  lastHour: HealthRow["lastHour"];
  last24h: HealthRow["last24h"];
  quarantine: ReturnType<typeof quarantineDistance>;
  refreshed: string | null;
}

/** Rows of tenants never seen are read once from their databases, this many per list. */
const SEED_PER_LIST = 50;

export function reportOf(row: HealthRow, cell: string, now: number): TenantHealth {
  const conditions = conditionsOf(row, now);
  return {
    tenant: row.tenant,
    cell,
    state: conditions[0].state,
    since: conditions[0].since,
    conditions,
    lastEntra: row.lastEntra,
    firstSeen: row.firstSeen,
    everConnected: row.everConnected,
    onboarded: row.facts?.onboarded ?? null,
    lastHour: row.lastHour,
    last24h: row.last24h,
    quarantine: quarantineDistance(row.last24h),
    refreshed: row.refreshed,
  };
}

const emptyRow = (tenant: string): HealthRow => ({
  tenant,
  firstSeen: null,
  lastSeen: null,
  lastEntra: null,
  everConnected: false,
  lastHour: { requests: 0, failures: 0 },
  last24h: { requests: 0, failures: 0 },
  failingSince: null,
  failures24hSince: null,
  facts: null,
  refreshed: null,
});

export const SORTS = ["state", "tenant", "last-entra", "failures"] as const;
export type HealthSort = (typeof SORTS)[number];

/**
 * Every tenant bound to the cell with its state: one read of the cell's rows. A tenant without a
 * row (never seen by the consumer) has its facts read once, up to SEED_PER_LIST a call, so that
 * "never connected since onboarding" shows without a per-minute walk of the cell's databases.
 */
export async function cellReport(env: Env, now: number): Promise<TenantHealth[]> {
  const record = cellHealth(env);
  let rows = await record.rows(now);
  const known = new Set(rows.filter((r) => r.refreshed).map((r) => r.tenant));
  const unseen = tenantsOf(env).filter((t) => !known.has(t));
  if (unseen.length) {
    const results = await Promise.allSettled(
      unseen.slice(0, SEED_PER_LIST).map((t) => refreshTenant(env, record, t, now)),
    );
    if (results.some((r) => r.status === "fulfilled" && r.value)) rows = await record.rows(now);
  }
  const bound = new Set(tenantsOf(env));
  const byTenant = new Map(rows.filter((r) => bound.has(r.tenant)).map((r) => [r.tenant, r]));
  return [...bound].map((t) => reportOf(byTenant.get(t) ?? emptyRow(t), env.CELL ?? "", now));
}

export async function tenantReport(env: Env, tenant: string, now: number): Promise<TenantHealth> {
  const record = cellHealth(env);
  let [row] = await record.rows(now, tenant);
  if (!row?.refreshed) {
    await refreshTenant(env, record, tenant, now);
    [row] = await record.rows(now, tenant);
  }
  return reportOf(row ?? emptyRow(tenant), env.CELL ?? "", now);
}

export function sortReports(list: TenantHealth[], sort: HealthSort): TenantHealth[] {
  const by: Record<HealthSort, (a: TenantHealth, b: TenantHealth) => number> = {
    state: (a, b) => STATES.indexOf(a.state) - STATES.indexOf(b.state) || a.tenant.localeCompare(b.tenant),
    tenant: (a, b) => a.tenant.localeCompare(b.tenant),
    "last-entra": (a, b) => (b.lastEntra ?? "").localeCompare(a.lastEntra ?? "") || a.tenant.localeCompare(b.tenant),
    failures: (a, b) => b.last24h.failures - a.last24h.failures || a.tenant.localeCompare(b.tenant),
  };
  return [...list].sort(by[sort]);
}
