import type { Env } from "../platform/env";
import type { CellWork, TenantFailure, TenantOutcome } from "./work-object";

export type { TenantFailure, TenantOutcome };

/** The port to the cell's record of tenants with work waiting (work-object.ts). */
export interface WorkRecord {
  mark(tenants: string[], due: number, now: number): Promise<void>;
  due(now: number, limit: number): Promise<string[]>;
  settle(outcomes: TenantOutcome[], startedAt: number): Promise<void>;
  failures(): Promise<TenantFailure[]>;
  pending(): Promise<{ tenant: string; due: string }[]>;
  forget(tenant: string): Promise<void>;
}

/** One record per cell: the Durable Object namespace is the cell Worker's own. */
export function cellWork(env: Env): WorkRecord {
  const stub = () => env.CELL_WORK.getByName("cell") as DurableObjectStub<CellWork>;
  return {
    mark: (tenants, due, now) => stub().mark(tenants, due, now),
    due: (now, limit) => stub().due(now, limit),
    settle: (outcomes, startedAt) => stub().settle(outcomes, startedAt),
    failures: () => stub().failures(),
    pending: () => stub().pending(),
    forget: (tenant) => stub().forget(tenant),
  };
}

/** An isolate marks a tenant at most this often (the record's settle margin allows for it). */
export const MARK_EVERY_MS = 30_000;
const lastMarked = new Map<string, number>();
const MARKS_KEPT = 4096;

/**
 * After a request committed events (outbox rows): the tenant has work the cron must check once
 * the Queue had its chance. Called in the request's waitUntil beside the Queue send, never
 * before the response; at most once per tenant per MARK_EVERY_MS per isolate, so Entra's pace
 * costs the record a write a half minute at most. Never throws: a lost mark delays a lost send
 * to the tenant's daily visit, it loses nothing (docs/fleet.md).
 */
export async function markWork(record: WorkRecord, tenant: string, now = Date.now()): Promise<void> {
  const last = lastMarked.get(tenant);
  if (last !== undefined && now - last < MARK_EVERY_MS) return;
  if (lastMarked.size >= MARKS_KEPT) lastMarked.clear();
  lastMarked.set(tenant, now);
  try {
    await record.mark([tenant], now, now);
  } catch (e) {
    lastMarked.delete(tenant);
    console.warn(
      JSON.stringify({ msg: "could not mark tenant work; its daily visit sweeps it", tenant, error: String(e) }),
    );
  }
}
