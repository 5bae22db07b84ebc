import { createExecutionContext, createScheduledController, env, waitOnExecutionContext } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import worker from "../../src/index";
import { outboxStatement, queueBus } from "../../src/events/outbox";
import { audit } from "../../src/events/types";
import { runCron } from "../../src/fleet/cron";
import { pruneSlotOf, turnNear } from "../../src/fleet/prune-slot";
import { cellWork } from "../../src/fleet/work";
import { tenantsOf } from "../../src/tenants/resolve";
import { SETTLE_MARGIN_MS } from "../../src/fleet/work-object";
import type { Env } from "../../src/platform/env";
import { tracedD1 } from "./instrumented";
import { createUser, eventually, newClient, tenantDb } from "./helpers";

const e = env as unknown as Env & { UNMIGRATED_D1: D1Database };
const record = cellWork(e);

/** An outbox row committed long enough ago that its send is taken for lost. */
async function lostSend(tenant: string) {
  const event = { ...audit("scim", "update", "User", `u-${crypto.randomUUID()}`, {}), at: isoAgo(5 * 60_000) };
  await outboxStatement(tenantDb(tenant), [event]).run();
  return event.id;
}
const isoAgo = (ms: number) => new Date(Date.now() - ms).toISOString();
const delivered = (tenant: string, id: string) =>
  tenantDb(tenant).prepare("SELECT delivered FROM outbox WHERE id = ?1").bind(id).first<{ delivered: string | null }>();

/** A minute that is no bound tenant's pruning turn, near now. */
function quietMinute(extra: string[] = []): number {
  const tenants = [...tenantsOf(e), ...extra];
  let at = Date.now();
  while (tenants.some((t) => pruneSlotOf(t) === Math.floor(at / 60_000) % 1440)) at += 60_000;
  return at;
}

async function clearRecord() {
  for (const t of [...(await record.pending()).map((p) => p.tenant), ...(await record.failures()).map((f) => f.tenant)])
    await record.forget(t);
}

describe("the fleet cron", () => {
  it("a tenant whose database is broken (no tables) does not stop the others: every other tenant is swept", async () => {
    await clearRecord();
    // "aaa-broken" comes first in every order; with one tenant at a time, the others come after it.
    const cell = { ...e, TENANT_AAA_BROKEN: e.UNMIGRATED_D1 } as Env;
    const ids = { acme: await lostSend("acme"), globex: await lostSend("globex") };
    const now = Date.now();
    await record.mark(["aaa-broken"], now - 2_000, now - 120_000);
    await record.mark(["acme", "globex"], now - 1_000, now - 120_000);
    const report = await runCron(cell, record, queueBus(e.EVENTS), now, {
      concurrency: 1,
      turnAt: quietMinute(["aaa-broken"]),
    });
    expect(report).toMatchObject({ tenants: tenantsOf(cell).length, worked: 3, failed: 1 });
    for (const t of ["acme", "globex"] as const)
      expect(await eventually(() => delivered(t, ids[t]).then((r) => r?.delivered))).toBeTruthy();
    // Recorded for a fleet view, logged, and tried again later (after a backoff), not at once.
    const failures = await record.failures();
    expect(failures).toEqual([
      expect.objectContaining({ tenant: "aaa-broken", count: 1, error: expect.stringMatching(/no such table/) }),
    ]);
    expect(await record.due(now + 1, 10)).not.toContain("aaa-broken");
    expect(await record.due(now + 61_000, 10)).toContain("aaa-broken");
    // The next failure doubles the wait; a tenant that recovers leaves the failures list.
    await runCron(cell, record, queueBus(e.EVENTS), now + 61_000, {
      turnAt: quietMinute(["aaa-broken"]),
    });
    expect((await record.failures())[0]).toMatchObject({ tenant: "aaa-broken", count: 2 });
    await clearRecord();
  });

  it("idle tenants cost no round trip: only the marked tenant's database is touched", async () => {
    await clearRecord();
    const trips: Record<string, string[][]> = { acme: [], globex: [] };
    const cell = {
      ...e,
      TENANT_ACME: tracedD1(tenantDb("acme"), [], trips.acme),
      TENANT_GLOBEX: tracedD1(tenantDb("globex"), [], trips.globex),
    } as Env;
    const turnAt = quietMinute();
    await runCron(cell, record, queueBus(e.EVENTS), Date.now(), { turnAt });
    expect([trips.acme.length, trips.globex.length]).toEqual([0, 0]);

    await record.mark(["globex"], Date.now(), Date.now() - SETTLE_MARGIN_MS - 1);
    const report = await runCron(cell, record, queueBus(e.EVENTS), Date.now(), { turnAt });
    expect(report).toMatchObject({ worked: 1, pruned: 0, failed: 0 });
    // One batch: the sweep, what still waits, the endpoints failing for 3 days.
    expect([trips.acme.length, trips.globex.length]).toEqual([0, 1]);
    // Nothing waits any more, so the mark is gone and the next minute touches nothing.
    expect(await record.pending()).toEqual([]);
  });

  it("a SCIM write marks its tenant, and the mark stays until its outbox is delivered", async () => {
    await clearRecord();
    const c = await newClient("acme");
    await createUser(c);
    const marked = await eventually(async () => (await record.pending()).find((p) => p.tenant === "acme"));
    // Due at once: the next minute looks (a Queue send may still be on its way then; the sweep waits 60 s).
    expect(Date.parse(marked.due)).toBeLessThanOrEqual(Date.now());
    // A run right after the write finds nothing waiting (the Queue delivered it) but keeps the
    // mark: a write of the same half minute may not have marked again (src/fleet/work.ts).
    await eventually(async () => {
      const r = await tenantDb("acme")
        .prepare("SELECT count(*) AS n FROM outbox WHERE delivered IS NULL")
        .first<{ n: number }>();
      return r?.n === 0;
    });
    await runCron(e, record, queueBus(e.EVENTS), Date.parse(marked.due), { turnAt: quietMinute() });
    expect((await record.pending()).map((p) => p.tenant)).toContain("acme");
    await runCron(e, record, queueBus(e.EVENTS), Date.parse(marked.due) + SETTLE_MARGIN_MS + 60_000, {
      turnAt: quietMinute(),
    });
    expect(await record.pending()).toEqual([]);
  });

  it("the scheduled handler prunes a tenant on its own turn of the day, and only then", async () => {
    await clearRecord();
    const at = isoAgo(40 * 86_400_000);
    const row = (id: string) =>
      tenantDb("globex")
        .prepare(
          `INSERT INTO activity (id, at, method, path, status, duration_ms, op) VALUES (?1, ?2, 'GET', '/Users', 200, 1, 'read')`,
        )
        .bind(id, at);
    const id = crypto.randomUUID();
    await row(id).run();
    const count = () =>
      tenantDb("globex").prepare("SELECT count(*) AS n FROM activity WHERE id = ?1").bind(id).first<{ n: number }>();
    const turn = turnNear("globex", Date.now());
    for (const scheduledTime of [quietMinute(), turn]) {
      const ctx = createExecutionContext();
      await worker.scheduled!(
        createScheduledController({ cron: "* * * * *", scheduledTime }) as ScheduledController,
        e,
        ctx,
      );
      await waitOnExecutionContext(ctx);
      expect((await count())?.n).toBe(scheduledTime === turn ? 0 : 1);
    }
  });
});
