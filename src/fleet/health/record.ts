import type { Env } from "../../platform/env";
import type { EventMessage } from "../../platform/queue";
import { SUSPENSION_SETTING } from "../../tenants/context";
import { tenantDatabase } from "../../tenants/resolve";
import { failingEndpoints } from "../../webhooks/health";
import { missingTable } from "../../webhooks/record";
import type { CellHealth } from "./object";
import { CREDENTIAL_WARNING_MS } from "./states";
import type { BatchActivity, HealthRow, RefreshedFacts } from "./types";

const BUCKET_MS = 600_000;

/** The port to the cell's health rows (object.ts). */
export interface HealthRecord {
  record(batch: BatchActivity[], now: number): Promise<string[]>;
  refresh(tenant: string, facts: RefreshedFacts, now: number): Promise<void>;
  rows(now: number, tenant?: string | null): Promise<HealthRow[]>;
  forget(tenant: string): Promise<void>;
  openSession(hash: string, role: string, expires: number, now: number): Promise<void>;
  sessionRole(hash: string, now: number): Promise<string | null>;
  closeSession(hash: string): Promise<void>;
}

export function cellHealth(env: Env): HealthRecord {
  const stub = () => env.CELL_HEALTH.getByName("cell") as DurableObjectStub<CellHealth>;
  return {
    record: (batch, now) => stub().record(batch, now),
    refresh: (tenant, facts, now) => stub().refresh(tenant, facts, now),
    rows: (now, tenant = null) => stub().rows(now, tenant),
    forget: (tenant) => stub().forget(tenant),
    openSession: (hash, role, expires, now) => stub().openSession(hash, role, expires, now),
    sessionRole: (hash, now) => stub().sessionRole(hash, now),
    closeSession: (hash) => stub().closeSession(hash),
  };
}

/**
 * One tenant's figures from the activity records and unauthenticated counts its messages carry:
 * what the consumer already holds, folded without a read.
 */
export function batchActivity(tenant: string, messages: EventMessage[]): BatchActivity | null {
  const buckets = new Map<number, { start: number; requests: number; failures: number }>();
  let lastEntra: number | null = null;
  let firstSeen: number | null = null;
  let lastSeen: number | null = null;
  let connected = false;
  const seen = (at: number) => {
    if (!Number.isFinite(at)) return;
    firstSeen = firstSeen === null ? at : Math.min(firstSeen, at);
    lastSeen = lastSeen === null ? at : Math.max(lastSeen, at);
  };
  for (const r of messages.flatMap((m) => m.activity ?? [])) {
    const at = Date.parse(r.at);
    if (!Number.isFinite(at)) continue;
    seen(at);
    lastEntra = lastEntra === null ? at : Math.max(lastEntra, at);
    if (r.status < 400) connected = true;
    const start = at - (at % BUCKET_MS);
    const b = buckets.get(start) ?? { start, requests: 0, failures: 0 };
    b.requests += 1;
    if (r.status >= 400) b.failures += 1;
    buckets.set(start, b);
  }
  for (const n of messages.flatMap((m) => m.noise ?? [])) seen(Date.parse(n.at));
  if (firstSeen === null) return null;
  return { tenant, buckets: [...buckets.values()], lastEntra, firstSeen, lastSeen, connected };
}

/** The facts of the row, read from the tenant's database in one batch and its endpoints' view. */
export async function readFacts(db: D1Database, tenant: string, now: number): Promise<RefreshedFacts> {
  const warnFrom = new Date(now + CREDENTIAL_WARNING_MS).toISOString();
  const [onboarded, suspension] = await db.batch([
    db.prepare("SELECT min(created) AS at FROM tokens"),
    db.prepare("SELECT value FROM settings WHERE key = ?1").bind(SUSPENSION_SETTING),
  ]);
  let credentials: RefreshedFacts["credentials"] = [];
  try {
    const { results } = await db
      .prepare(
        "SELECT id, name, expires FROM oauth_clients WHERE revoked IS NULL AND expires <= ?1 ORDER BY expires LIMIT 10",
      )
      .bind(warnFrom)
      .all<{ id: string; name: string; expires: string }>();
    credentials = results.map((r) => ({ clientId: r.id, name: r.name, expires: r.expires }));
  } catch (e) {
    if (!missingTable(e)) throw e; // not migrated for OAuth yet: no client secrets
  }
  const endpoints = await failingEndpoints(db, `/t/${tenant}/events/poll`);
  const susp = (suspension.results[0] as { value: string } | undefined)?.value;
  return {
    onboarded: (onboarded.results[0] as { at: string | null } | undefined)?.at ?? null,
    suspension: susp ? (JSON.parse(susp) as { reason: string; at: string }) : null,
    credentials,
    endpoints: endpoints.map((e) => ({
      url: e.url,
      state: e.state,
      since: e.since,
      failedAttempts: e.failedAttempts,
      deadLettered: e.deadLettered,
      action: e.actions[0] ?? null,
    })),
  };
}

/** Reads a tenant's facts and stores them in its row (created if the tenant was never seen). */
export async function refreshTenant(env: Env, record: HealthRecord, tenant: string, now: number): Promise<boolean> {
  const db = tenantDatabase(env, tenant);
  if (!db) return false;
  await record.refresh(tenant, await readFacts(db, tenant, now), now);
  return true;
}

/**
 * The consumer's one call per tenant and batch (after its messages are acked): the figures go
 * in, and the facts are read again when due. Never throws: health is a view, and a failure here
 * must not redeliver the tenant's events.
 */
export async function recordHealth(env: Env, tenant: string, messages: EventMessage[], now = Date.now()) {
  const activity = batchActivity(tenant, messages);
  if (!activity) return;
  try {
    const record = cellHealth(env);
    const due = await record.record([activity], now);
    if (due.includes(tenant)) await refreshTenant(env, record, tenant, now);
  } catch (e) {
    console.warn(JSON.stringify({ msg: "tenant health not recorded", tenant, error: String(e) }));
  }
}
