/**
 * An email value is one RFC 5321 mailbox (P5 requires one; P20 mails it): anything else is 400
 * invalidValue and nothing is stored; and the mailer sends to nothing else, so rows stored
 * before this check cannot inject a header either.
 */
import { createMessageBatch, env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { consume } from "../../src/delivery/consumer";
import { type Mailer, mailerFor, singleRecipientOnly } from "../../src/delivery/mailer";
import { outboxStatement } from "../../src/events/outbox";
import { type EventMessage, invite } from "../../src/events/types";
import type { Env } from "../../src/platform/env";
import { adminClient, createUser, entraUser, newClient, patchOp, scimError, tenantDb } from "./helpers";

const e = env as unknown as Env;
const HOSTILE = ["a@x.com\r\nBcc: b@y.com", "a@x.com, b@y.com", "not an address", "Ann <ann@x.com>"];

describe("email values", () => {
  it.each(HOSTILE)("P5 %j is refused on create with invalidValue, and nothing is stored", async (value) => {
    const c = await newClient();
    const user = entraUser({ emails: [{ value, type: "work", primary: true }] });
    const res = await c.post("/Users", user);
    expect(res.status).toBe(400);
    const err = await scimError(res);
    expect(err.scimType).toBe("invalidValue");
    expect(err.detail).toMatch(/^emails\[0\]\.value .* is not one email address/);
    const found = await (await c.get(`/Users?filter=userName eq "${user.userName}"`)).json<any>();
    expect(found.totalResults).toBe(0);
  });

  it("P5 a PATCH or PUT to an address that is not one is refused and changes nothing", async () => {
    const c = await newClient();
    const u = await createUser(c);
    for (const value of HOSTILE) {
      const patch = await c.patch(
        `/Users/${u.id}`,
        patchOp({ op: "replace", path: 'emails[type eq "work"].value', value }),
      );
      expect(patch.status, value).toBe(400);
      const put = await c.put(`/Users/${u.id}`, { ...u, emails: [{ value, type: "work", primary: true }] });
      expect(put.status, value).toBe(400);
      const second = await c.post("/Users", entraUser({ emails: [{ value: "ok@x.com" }, { value }] }));
      expect(second.status, value).toBe(400);
    }
    const after = await (await c.get(`/Users/${u.id}`)).json<any>();
    expect(after.emails).toEqual(u.emails);
    expect(after.meta.version).toBe(u.meta.version);
  });

  it("P20 the admin import refuses an address that is not one", async () => {
    const admin = await adminClient();
    const res = await admin.post("/import", {
      users: [{ ...entraUser({ emails: [{ value: "a@x.com\nBcc: b@y.com" }] }), source: "local" }],
    });
    expect(res.status).toBe(400);
    expect((await res.json<any>()).error.message).toMatch(/is not one email address/);
  });

  it("P20 the mailer sends to nothing but one address, even for a row stored before the check", async () => {
    const u = await createUser(await newClient("globex"));
    // A row as an older release stored it: the email value was never checked.
    await tenantDb("globex")
      .prepare("UPDATE users SET doc = json_set(doc, '$.emails', json(?2)) WHERE id = ?1")
      .bind(u.id, JSON.stringify([{ value: "a@x.com\r\nBcc: b@y.com", primary: true }]))
      .run();
    const event = invite(u.id);
    await outboxStatement(tenantDb("globex"), [event]).run();
    const batch = createMessageBatch<EventMessage>("scim-events", [
      { id: "m", timestamp: new Date(), attempts: 1, body: { v: 1, tenant: "globex", ids: [event.id] } },
    ]);
    await consume(batch, e, mailerFor(e));
    const row = await tenantDb("globex")
      .prepare("SELECT status, error, sent FROM mail_outbox WHERE user_id = ?1")
      .bind(u.id)
      .first<{ status: string; error: string; sent: string | null }>();
    expect(row).toEqual({ status: "refused", error: expect.stringMatching(/not one email address/), sent: null });

    const sent: string[] = [];
    const guarded = singleRecipientOnly({ send: async (m) => (sent.push(m.to), "sent") } satisfies Mailer);
    for (const to of ["a@x.com\r\nBcc: b@y.com", "a@x.com, b@y.com", "not an address"])
      expect(await guarded.send({ id: "1", to, subject: "s", body: "b" })).toBe("refused");
    expect(await guarded.send({ id: "2", to: "ann@contoso.com", subject: "s", body: "b" })).toBe("sent");
    expect(sent).toEqual(["ann@contoso.com"]);
  });
});
