import { SELF } from "cloudflare:test";
import { createLocalJWKSet, jwtVerify } from "jose";
import { describe, expect, it } from "vitest";
import { adminClient, createUser, eventually, issueToken, newClient, ORIGIN, patchOp, tenantDb } from "./helpers";

const count = async () =>
  (await tenantDb("globex").prepare("SELECT count(*) AS n FROM webhooks").first<{ n: number }>())!.n;

describe("event endpoints: admin API (issue 19)", () => {
  it.each([
    [{ url: "http://hooks.example.com/x", format: "json" }, /https/],
    [{ url: "https://10.0.0.7/x", format: "json" }, /private, loopback or link-local/],
    [{ url: "https://[fe80::1]/x", format: "set" }, /private, loopback or link-local/],
    [{ url: "https://localhost/x", format: "set" }, /local name/],
    [{ url: "https://169.254.169.254/x", format: "set" }, /private/],
    [{ url: "https://hooks.example.com/x", format: "json", events: ["user.exploded"] }, /events\.0/],
    [{ url: "https://hooks.example.com/x", format: "xml" }, /format/],
    [{ url: "https://hooks.example.com/x", format: "json", extra: 1 }, /extra/],
  ])("refuses %j with a clear 400 and stores nothing", async (body, why) => {
    const admin = await adminClient("globex");
    const before = await count();
    const res = await admin.post("/webhooks", body);
    expect(res.status).toBe(400);
    expect(JSON.stringify(await res.json())).toMatch(why);
    expect(await count()).toBe(before);
  });

  it("json: the secret is shown once; the list, one endpoint and the audit never show it", async () => {
    const admin = await adminClient("globex");
    const res = await admin.post("/webhooks", {
      url: "https://hooks.example.com/in?token=abc",
      format: "json",
      events: ["user.created"],
    });
    expect(res.status).toBe(201);
    const added = (await res.json()) as { id: string; secret: string };
    expect(added.secret).toMatch(/^whsec_/);
    const list = await (await admin.get("/webhooks")).text();
    expect(list).toContain(added.id);
    expect(list).not.toContain(added.secret);
    const one = await (await admin.get(`/webhooks/${added.id}`)).json();
    expect(one).toMatchObject({ id: added.id, format: "json", events: ["user.created"], pending: 0 });
    expect(JSON.stringify(one)).not.toContain("whsec_");
    const entry = await eventually(() =>
      tenantDb("globex")
        .prepare("SELECT detail FROM audit_log WHERE action = 'webhook' AND detail LIKE ?1")
        .bind(`%${added.id}%`)
        .first<{ detail: string }>(),
    );
    expect(entry.detail).not.toContain("whsec_");
    expect(entry.detail).not.toContain("token=abc");
    expect((await admin.del(`/webhooks/${added.id}`)).status).toBe(204);
    expect((await admin.get(`/webhooks/${added.id}`)).status).toBe(404);
    expect((await admin.del(`/webhooks/${added.id}`)).status).toBe(404);
  });

  it("JWKS: a rotated key stays published beside the new one", async () => {
    const admin = await adminClient("globex");
    const first = (await (await admin.get("/webhooks/jwks")).json()) as { keys: { kid: string; d?: string }[] };
    expect(first.keys.length).toBeGreaterThanOrEqual(1);
    expect(first.keys.every((k) => k.d === undefined)).toBe(true);
    const rotated = (await (await admin.post("/webhooks/jwks/rotate")).json()) as {
      kid: string;
      keys: { kid: string }[];
    };
    expect(rotated.keys.map((k) => k.kid)).toEqual(expect.arrayContaining([rotated.kid, first.keys[0].kid]));
  });
});

describe("RFC 8936 poll", () => {
  it("returns committed changes as signed SETs in commit order, and acks move past them", async () => {
    const c = await newClient("acme");
    const u = await createUser(c);
    await c.patch(`/Users/${u.id}`, patchOp({ op: "replace", path: "title", value: "Boss" }));
    await c.patch(`/Users/${u.id}`, patchOp({ op: "replace", path: "active", value: false }));
    const admin = await adminClient("acme");
    const poll = (body: unknown) =>
      SELF.fetch(`${ORIGIN}/t/acme/events/poll`, {
        method: "POST",
        headers: { Authorization: admin.token, "Content-Type": "application/json" },
        body: JSON.stringify(body),
      });
    const jwks = createLocalJWKSet((await (await admin.get("/webhooks/jwks")).json()) as { keys: [] });
    const mine = async (acks: string[] = []) => {
      const out: { jti: string; type: string }[] = [];
      let ack = acks;
      for (;;) {
        const res = await poll({ ack, maxEvents: 500, returnImmediately: true });
        expect(res.status).toBe(200);
        const body = (await res.json()) as { sets: Record<string, string>; moreAvailable: boolean };
        for (const [jti, set] of Object.entries(body.sets)) {
          const { payload } = await jwtVerify(set, jwks, { typ: "secevent+jwt" });
          expect(payload.jti).toBe(jti);
          if ((payload.sub_id as { uri: string }).uri === `/Users/${u.id}`)
            out.push({ jti, type: String(payload.event_type) });
        }
        ack = Object.keys(body.sets);
        if (!body.moreAvailable) return { out, last: ack };
      }
    };
    const seen = await eventually(async () => {
      const { out } = await mine();
      return out.length === 3 ? out : null;
    });
    expect(seen.map((e) => e.type)).toEqual(["user.created", "user.modified", "user.deactivated"]);
  });

  it("refuses a SCIM token", async () => {
    const { token } = await issueToken("acme");
    const res = await SELF.fetch(`${ORIGIN}/t/acme/events/poll`, {
      method: "POST",
      headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
      body: "{}",
    });
    expect(res.status).toBe(401);
  });

  it("refuses a poll body past its limits with a JSON error", async () => {
    const admin = await adminClient("acme");
    const poll = (body: string) =>
      SELF.fetch(`${ORIGIN}/t/acme/events/poll`, {
        method: "POST",
        headers: { Authorization: admin.token, "Content-Type": "application/json" },
        body,
      });
    const setErrs = Object.fromEntries(Array.from({ length: 1_001 }, (_, i) => [`e${i}`, {}]));
    const many = await poll(JSON.stringify({ setErrs, returnImmediately: true }));
    expect(many.status).toBe(400);
    const huge = await poll(JSON.stringify({ ack: ["x".repeat(3_000_000)] }));
    expect(huge.status).toBe(413);
  });
});
