import { DurableObject } from "cloudflare:workers";
import type { Env } from "../platform/env";

/** What the cron did for one tenant: nothing left (nextDue null), more at nextDue, or a failure. */
export type TenantOutcome =
  { tenant: string; ok: true; nextDue: number | null } | { tenant: string; ok: false; error: string };

export interface TenantFailure {
  tenant: string;
  since: string;
  last: string;
  count: number;
  error: string;
}

/** A mark is cleared only when nothing was marked in this long before the run that found no work (see settle). */
export const SETTLE_MARGIN_MS = 60_000;
/** A failing tenant is tried again after 1, 2, 4 ... minutes, at most hourly. */
const RETRY_BASE_MS = 60_000;
const RETRY_MAX_MS = 3_600_000;

/**
 * The cell's record of which tenants have work waiting (docs/fleet.md, "The cron"): one instance
 * per cell (named "cell"; a Durable Object belongs to the cell's Worker script), SQLite-backed,
 * so marks and the cron's reads are consistent with each other. It holds tenant slugs, due
 * times and the last failure of each failing tenant; never a tenant's data.
 */
export class CellWork extends DurableObject<Env> {
  private readonly sql = this.ctx.storage.sql;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.sql
      .exec(`CREATE TABLE IF NOT EXISTS work (tenant TEXT PRIMARY KEY, due INTEGER NOT NULL, marked INTEGER NOT NULL);
      CREATE INDEX IF NOT EXISTS work_due ON work (due);
      CREATE TABLE IF NOT EXISTS failures (tenant TEXT PRIMARY KEY, first INTEGER NOT NULL, last INTEGER NOT NULL,
        count INTEGER NOT NULL, error TEXT NOT NULL)`);
  }

  /** The tenants have work from `due` on (an earlier due time wins); `now` is when it was created. */
  mark(tenants: string[], due: number, now: number): void {
    for (const t of tenants)
      this.sql.exec(
        `INSERT INTO work (tenant, due, marked) VALUES (?1, ?2, ?3)
         ON CONFLICT (tenant) DO UPDATE SET due = min(due, excluded.due), marked = max(marked, excluded.marked)`,
        t,
        due,
        now,
      );
  }

  /** Tenants whose work is due, earliest first. */
  due(now: number, limit: number): string[] {
    return this.sql
      .exec<{ tenant: string }>("SELECT tenant FROM work WHERE due <= ?1 ORDER BY due LIMIT ?2", now, limit)
      .toArray()
      .map((r) => r.tenant);
  }

  /**
   * The cron's outcomes of the run that started at `startedAt`. A tenant with nothing left loses
   * its mark only if no mark came in the SETTLE_MARGIN_MS before the run: an isolate marks a
   * tenant at most once per half minute (fleet/work.ts), so a write committed just before the run
   * still has a mark that brings the cron back once more.
   */
  settle(outcomes: TenantOutcome[], startedAt: number): void {
    for (const o of outcomes) {
      if (o.ok) {
        this.sql.exec("DELETE FROM failures WHERE tenant = ?1", o.tenant);
        if (o.nextDue !== null && !Number.isFinite(o.nextDue)) o.nextDue = startedAt + RETRY_BASE_MS;
        if (o.nextDue === null)
          this.sql.exec("DELETE FROM work WHERE tenant = ?1 AND marked < ?2", o.tenant, startedAt - SETTLE_MARGIN_MS);
        else
          this.sql.exec(
            `INSERT INTO work (tenant, due, marked) VALUES (?1, ?2, 0)
             ON CONFLICT (tenant) DO UPDATE SET due = excluded.due`,
            o.tenant,
            o.nextDue,
          );
        continue;
      }
      const previous = this.sql
        .exec<{ count: number }>("SELECT count FROM failures WHERE tenant = ?1", o.tenant)
        .toArray()[0];
      const count = (previous?.count ?? 0) + 1;
      this.sql.exec(
        `INSERT INTO failures (tenant, first, last, count, error) VALUES (?1, ?2, ?2, 1, ?3)
         ON CONFLICT (tenant) DO UPDATE SET last = excluded.last, count = count + 1, error = excluded.error`,
        o.tenant,
        startedAt,
        o.error.slice(0, 500),
      );
      const retry = startedAt + Math.min(RETRY_MAX_MS, RETRY_BASE_MS * 2 ** Math.min(count - 1, 10));
      this.sql.exec(
        `INSERT INTO work (tenant, due, marked) VALUES (?1, ?2, 0) ON CONFLICT (tenant) DO UPDATE SET due = excluded.due`,
        o.tenant,
        retry,
      );
    }
  }

  /** Failing tenants, most recent failure first (what a fleet view shows). */
  failures(): TenantFailure[] {
    return this.sql
      .exec<{ tenant: string; first: number; last: number; count: number; error: string }>(
        "SELECT tenant, first, last, count, error FROM failures ORDER BY last DESC LIMIT 1000",
      )
      .toArray()
      .map((r) => ({
        tenant: r.tenant,
        since: new Date(r.first).toISOString(),
        last: new Date(r.last).toISOString(),
        count: r.count,
        error: r.error,
      }));
  }

  /** Marked tenants with their due time (the fleet API's view of the backlog). */
  pending(): { tenant: string; due: string }[] {
    return this.sql
      .exec<{ tenant: string; due: number }>("SELECT tenant, due FROM work ORDER BY due LIMIT 1000")
      .toArray()
      .map((r) => ({ tenant: r.tenant, due: new Date(r.due).toISOString() }));
  }

  /** An erased tenant leaves no mark and no failure behind. */
  forget(tenant: string): void {
    this.sql.exec("DELETE FROM work WHERE tenant = ?1", tenant);
    this.sql.exec("DELETE FROM failures WHERE tenant = ?1", tenant);
  }
}
