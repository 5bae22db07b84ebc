import { DurableObject } from "cloudflare:workers";
import type { Env } from "../../platform/env";
import { FAILING_RATIO } from "./states";
import type { BatchActivity, HealthRow, RefreshedFacts } from "./types";

/** Buckets older than a day are dropped when the tenant is next written. */
const KEEP_MS = 24 * 3_600_000;
/** A row's facts are read again from the tenant's database at most this often. */
export const REFRESH_EVERY_MS = 3_600_000;

interface TenantSqlRow extends Record<string, SqlStorageValue> {
  tenant: string;
  first_seen: number | null;
  last_seen: number | null;
  last_entra: number | null;
  ever_connected: number;
  facts: string | null;
  refreshed: number | null;
  h_req: number;
  h_fail: number;
  d_req: number;
  d_fail: number;
  failing_since: number | null;
  failures_since: number | null;
}

const ts = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/**
 * The cell's tenant health rows (docs/fleet.md, "Tenant health"): one instance per cell (named
 * "cell"), SQLite-backed. Written once per consumer batch per tenant with the batch's figures,
 * so an idle tenant costs nothing, and one query lists every tenant with its windows.
 * It holds counts, times and the refreshed facts (client ids, endpoint URLs without query,
 * suspension reason); never a secret or a user's data.
 */
export class CellHealth extends DurableObject<Env> {
  private readonly sql = this.ctx.storage.sql;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.sql.exec(`CREATE TABLE IF NOT EXISTS tenants (tenant TEXT PRIMARY KEY, first_seen INTEGER, last_seen INTEGER,
        last_entra INTEGER, ever_connected INTEGER NOT NULL DEFAULT 0, facts TEXT, refreshed INTEGER);
      CREATE TABLE IF NOT EXISTS buckets (tenant TEXT NOT NULL, start INTEGER NOT NULL, requests INTEGER NOT NULL,
        failures INTEGER NOT NULL, PRIMARY KEY (tenant, start)) WITHOUT ROWID;
      CREATE TABLE IF NOT EXISTS sessions (hash TEXT PRIMARY KEY, role TEXT NOT NULL, expires INTEGER NOT NULL)`);
  }

  /** Folds one batch's figures in; answers the tenants whose facts are due for a refresh. */
  record(batch: BatchActivity[], now: number): string[] {
    const due: string[] = [];
    for (const a of batch) {
      this.sql.exec(
        `INSERT INTO tenants (tenant, first_seen, last_seen, last_entra, ever_connected) VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT (tenant) DO UPDATE SET
           first_seen = coalesce(min(first_seen, excluded.first_seen), first_seen, excluded.first_seen),
           last_seen = coalesce(max(last_seen, excluded.last_seen), last_seen, excluded.last_seen),
           last_entra = coalesce(max(last_entra, excluded.last_entra), last_entra, excluded.last_entra),
           ever_connected = max(ever_connected, excluded.ever_connected)`,
        a.tenant,
        a.firstSeen,
        a.lastSeen,
        a.lastEntra,
        a.connected ? 1 : 0,
      );
      for (const b of a.buckets)
        this.sql.exec(
          `INSERT INTO buckets (tenant, start, requests, failures) VALUES (?1, ?2, ?3, ?4)
           ON CONFLICT (tenant, start) DO UPDATE SET requests = requests + excluded.requests, failures = failures + excluded.failures`,
          a.tenant,
          b.start,
          b.requests,
          b.failures,
        );
      this.sql.exec("DELETE FROM buckets WHERE tenant = ?1 AND start < ?2", a.tenant, now - KEEP_MS);
      const row = this.sql
        .exec<{ refreshed: number | null }>("SELECT refreshed FROM tenants WHERE tenant = ?1", a.tenant)
        .toArray()[0];
      if (!row?.refreshed || now - row.refreshed >= REFRESH_EVERY_MS) due.push(a.tenant);
    }
    return due;
  }

  /** The facts read from the tenant's database; creates the row of a tenant never seen. */
  refresh(tenant: string, facts: RefreshedFacts, now: number): void {
    this.sql.exec(
      `INSERT INTO tenants (tenant, facts, refreshed) VALUES (?1, ?2, ?3)
       ON CONFLICT (tenant) DO UPDATE SET facts = excluded.facts, refreshed = excluded.refreshed`,
      tenant,
      JSON.stringify(facts),
      now,
    );
  }

  /** Every row (or one tenant's) with its last-hour and 24-hour windows, in one query. */
  rows(now: number, tenant: string | null = null): HealthRow[] {
    return this.sql
      .exec<TenantSqlRow>(
        `SELECT t.tenant, t.first_seen, t.last_seen, t.last_entra, t.ever_connected, t.facts, t.refreshed,
           coalesce(sum(b.requests) FILTER (WHERE b.start >= ?1), 0) AS h_req,
           coalesce(sum(b.failures) FILTER (WHERE b.start >= ?1), 0) AS h_fail,
           coalesce(sum(b.requests), 0) AS d_req, coalesce(sum(b.failures), 0) AS d_fail,
           min(b.start) FILTER (WHERE b.failures > b.requests * ?3 AND b.start > coalesce(
             (SELECT max(x.start) FROM buckets x WHERE x.tenant = t.tenant AND x.start >= ?2 AND x.failures <= x.requests * ?3), 0))
             AS failing_since,
           min(b.start) FILTER (WHERE b.failures > 0) AS failures_since
         FROM tenants t LEFT JOIN buckets b ON b.tenant = t.tenant AND b.start >= ?2
         WHERE ?4 IS NULL OR t.tenant = ?4
         GROUP BY t.tenant ORDER BY t.tenant`,
        // The current bucket counts fully: "the last hour" is the last six 10-minute buckets.
        now - 3_600_000 + 1,
        now - KEEP_MS,
        FAILING_RATIO,
        tenant,
      )
      .toArray()
      .map((r) => ({
        tenant: r.tenant,
        firstSeen: ts(r.first_seen),
        lastSeen: ts(r.last_seen),
        lastEntra: ts(r.last_entra),
        everConnected: r.ever_connected === 1,
        lastHour: { requests: r.h_req, failures: r.h_fail },
        last24h: { requests: r.d_req, failures: r.d_fail },
        failingSince: ts(r.failing_since),
        failures24hSince: ts(r.failures_since),
        facts: r.facts ? (JSON.parse(r.facts) as RefreshedFacts) : null,
        refreshed: ts(r.refreshed),
      }));
  }

  /** Fleet view sessions (fleet/view/session.ts): only the SHA-256 of the cookie's value. */
  openSession(hash: string, role: string, expires: number, now: number): void {
    this.sql.exec("DELETE FROM sessions WHERE expires <= ?1", now);
    this.sql.exec("INSERT INTO sessions (hash, role, expires) VALUES (?1, ?2, ?3)", hash, role, expires);
  }

  sessionRole(hash: string, now: number): string | null {
    return (
      this.sql
        .exec<{ role: string }>("SELECT role FROM sessions WHERE hash = ?1 AND expires > ?2", hash, now)
        .toArray()[0]?.role ?? null
    );
  }

  closeSession(hash: string): void {
    this.sql.exec("DELETE FROM sessions WHERE hash = ?1", hash);
  }

  /** An erased tenant leaves no row behind. */
  forget(tenant: string): void {
    this.sql.exec("DELETE FROM tenants WHERE tenant = ?1", tenant);
    this.sql.exec("DELETE FROM buckets WHERE tenant = ?1", tenant);
  }
}
