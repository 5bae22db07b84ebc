import {
  createExecutionContext,
  createMessageBatch,
  createScheduledController,
  env,
  getQueueResult,
  waitOnExecutionContext,
} from "cloudflare:test";
import { describe, expect, it } from "vitest";
import worker from "../../src/index";
import { consume } from "../../src/delivery/consumer";
import type { Mailer } from "../../src/delivery/mailer";
import { outboxStatement } from "../../src/events/outbox";
import { cellWork } from "../../src/fleet/work";
import { audit, type EventMessage } from "../../src/events/types";
import type { Env } from "../../src/platform/env";
import { adminClient, auditRows, createUser, entraUser, eventually, newClient, tenantDb } from "./helpers";

const e = env as unknown as Env;

async function seedEvent(tenant: string, createdMsAgo = 0) {
  const event = {
    ...audit("scim", "update", "User", `u-${crypto.randomUUID()}`, { probe: true }),
    at: new Date(Date.now() - createdMsAgo).toISOString(),
  };
  await outboxStatement(tenantDb(tenant), [event]).run();
  return event;
}

describe("events: outbox, Queue, consumer, sweep", () => {
  it("a SCIM write reaches the audit log through the real local Queue", async () => {
    const c = await newClient();
    const u = await createUser(c);
    const rows = await eventually(async () => {
      const r = await auditRows("acme", u.id);
      return r.length ? r : null;
    });
    expect(rows).toEqual([
      { action: "create", actor: "scim", detail: { userName: u.userName, externalId: u.externalId } },
    ]);
    const outbox = await tenantDb("acme")
      .prepare("SELECT delivered FROM outbox WHERE payload LIKE ?1")
      .bind(`%${u.id}%`)
      .first<{ delivered: string }>();
    expect(outbox?.delivered).toBeTruthy();
  });

  it("a consumer that throws is retried and produces exactly one audit row", async () => {
    const event = await seedEvent("acme");
    const message: EventMessage = { v: 1, tenant: "acme", ids: [event.id] };
    // The consumer crashes right after its D1 batch committed, before the message is acked.
    const db = tenantDb("acme");
    const crashing = new Proxy(db, {
      get(target, prop) {
        if (prop === "batch") {
          return async (statements: D1PreparedStatement[]) => {
            await target.batch(statements);
            throw new Error("crash after commit");
          };
        }
        const v = Reflect.get(target, prop);
        return typeof v === "function" ? v.bind(target) : v;
      },
    });
    const broken = { ...e, TENANT_ACME: crashing } as Env;
    const first = createMessageBatch<EventMessage>("scim-events", [
      { id: "m1", timestamp: new Date(), attempts: 1, body: message },
    ]);
    const ctx1 = createExecutionContext();
    await consume(first, broken);
    const r1 = await getQueueResult(first, ctx1);
    expect(r1.retryMessages.map((m) => m.msgId)).toEqual(["m1"]);
    const second = createMessageBatch<EventMessage>("scim-events", [
      { id: "m1", timestamp: new Date(), attempts: 2, body: message },
    ]);
    const ctx2 = createExecutionContext();
    await consume(second, e);
    const r2 = await getQueueResult(second, ctx2);
    expect(r2.explicitAcks).toEqual(["m1"]);
    const n = await tenantDb("acme")
      .prepare("SELECT count(*) AS n FROM audit_log WHERE id = ?1")
      .bind(event.id)
      .first<{ n: number }>();
    expect(n?.n).toBe(1);
  });

  it("a lost Queue send is delivered by the cron sweep", async () => {
    // The change committed with its outbox row, but the send after commit never happened.
    const event = await seedEvent("acme", 5 * 60_000);
    // The request that committed it marked the tenant as having work (src/fleet/work.ts).
    await cellWork(e).mark(["acme"], Date.now(), Date.now());
    const ctx = createExecutionContext();
    await worker.scheduled!(createScheduledController({ cron: "* * * * *" }) as ScheduledController, e, ctx);
    await waitOnExecutionContext(ctx);
    const row = await eventually(() =>
      tenantDb("acme").prepare("SELECT action FROM audit_log WHERE id = ?1").bind(event.id).first(),
    );
    expect(row).toEqual({ action: "update" });
  });

  it("the sweep leaves fresh rows alone: their own send is still on its way", async () => {
    const event = await seedEvent("globex");
    await cellWork(e).mark(["globex"], Date.now(), Date.now());
    const ctx = createExecutionContext();
    await worker.scheduled!(createScheduledController({ cron: "* * * * *" }) as ScheduledController, e, ctx);
    await waitOnExecutionContext(ctx);
    const row = await tenantDb("globex")
      .prepare("SELECT attempts FROM outbox WHERE id = ?1")
      .bind(event.id)
      .first<{ attempts: number }>();
    expect(row?.attempts).toBe(0);
  });

  it("P20 an Entra retry of the same create sends no second invitation", async () => {
    const admin = await adminClient("globex");
    expect((await admin.put("/settings", { autoInvite: true })).status).toBe(200);
    const c = await newClient("globex");
    const body = entraUser();
    const first = await c.post("/Users", body);
    expect(first.status).toBe(201);
    const retry = await c.post("/Users", body);
    expect(retry.status).toBe(409);
    const { id } = await first.json<any>();
    const mail = await eventually(async () => {
      const r = await tenantDb("globex").prepare("SELECT * FROM mail_outbox WHERE user_id = ?1").bind(id).all();
      return r.results.length ? r.results : null;
    });
    // Redeliver every invite event of this user once more: still one mail.
    const { results: inv } = await tenantDb("globex")
      .prepare("SELECT id FROM outbox WHERE kind = 'invite' AND payload LIKE ?1")
      .bind(`%${id}%`)
      .all<{ id: string }>();
    await tenantDb("globex").prepare("UPDATE outbox SET delivered = NULL WHERE kind = 'invite'").run();
    const sent: string[] = [];
    const mailer: Mailer = { send: async (m) => (sent.push(m.id), "sent") };
    const batch = createMessageBatch<EventMessage>("scim-events", [
      { id: "x", timestamp: new Date(), attempts: 1, body: { v: 1, tenant: "globex", ids: inv.map((r) => r.id) } },
    ]);
    await consume(batch, e, mailer);
    expect(sent).toEqual([]);
    const again = await tenantDb("globex")
      .prepare("SELECT count(*) AS n FROM mail_outbox WHERE user_id = ?1")
      .bind(id)
      .first<{ n: number }>();
    expect(mail).toHaveLength(1);
    expect(again?.n).toBe(1);
    await admin.put("/settings", { autoInvite: false });
  });

  it("P23 a refused SCIM write is audited with its reason", async () => {
    const c = await newClient();
    const u = await createUser(c);
    const res = await c.put(`/Users/${u.id}`, { ...u, name: { givenName: "", familyName: "x" } });
    expect(res.status).toBe(400);
    const rows = await eventually(async () => {
      const r = (await auditRows("acme", u.id)).filter((x) => x.action === "refused");
      return r.length ? r : null;
    });
    expect(rows[0].detail).toMatchObject({ method: "PUT", status: 400, scimType: "invalidValue" });
    expect(rows[0].detail.reason).toMatch(/name\.givenName is blank/);
    expect(rows[0].detail.code).toBe("names-required");
  });
});
