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

describe("endpoint-scoped poll tokens (issue 19)", () => {
  const pollWith = (tenant: string, authorization: string, body: unknown) =>
    SELF.fetch(`${ORIGIN}/t/${tenant}/events/poll`, {
      method: "POST",
      headers: { Authorization: authorization, "Content-Type": "application/json" },
      body: JSON.stringify(body),
    });
  const streams = async () =>
    (await tenantDb("acme").prepare("SELECT id, acked_seq FROM poll_streams ORDER BY id").all()).results;
  const expectRefused = async (res: Response) => {
    expect(res.status).toBe(401);
    expect(res.headers.get("WWW-Authenticate")).toBe('Bearer realm="events", error="invalid_token"');
    expect(await res.json()).toMatchObject({ err: "authentication_failed" });
  };

  it("polls only its endpoint's event types with acks of its own; stored as a hash; revocable; the admin token still works", async () => {
    const admin = await adminClient("acme");
    const add = async (events: string[]) =>
      (
        (await (
          await admin.post("/webhooks", { url: "https://hooks.example.com/poll", format: "set", events })
        ).json()) as {
          id: string;
        }
      ).id;
    const [a, b] = [await add(["user.created"]), await add(["user.deactivated"])];
    const issued = await admin.post(`/webhooks/${a}/poll-tokens`);
    expect(issued.status).toBe(201);
    const tokA = (await issued.json()) as { id: string; token: string; webhookId: string };
    expect(tokA).toMatchObject({ webhookId: a, token: expect.stringMatching(/^scimep_[A-Za-z0-9_-]{43}$/) });
    const tokB = (await (await admin.post(`/webhooks/${b}/poll-tokens`)).json()) as { id: string; token: string };
    // Only the hash is kept; the list never shows the token.
    const row = await tenantDb("acme").prepare("SELECT * FROM poll_tokens WHERE id = ?1").bind(tokA.id).first();
    expect(JSON.stringify(row)).not.toContain(tokA.token);
    const listed = await (await admin.get(`/webhooks/${a}/poll-tokens`)).text();
    expect(listed).toContain(tokA.id);
    expect(listed).not.toContain("scimep_");

    const c = await newClient("acme");
    const u = await createUser(c);
    await c.patch(`/Users/${u.id}`, patchOp({ op: "replace", path: "active", value: false }));
    const jwks = createLocalJWKSet((await (await admin.get("/webhooks/jwks")).json()) as { keys: [] });
    const read = async (auth: string, ack: string[] = []) => {
      const res = await pollWith("acme", auth, { ack, maxEvents: 1000, returnImmediately: true });
      expect(res.status).toBe(200);
      const body = (await res.json()) as { sets: Record<string, string> };
      const out: { jti: string; type: string; mine: boolean }[] = [];
      for (const [jti, set] of Object.entries(body.sets)) {
        const { payload } = await jwtVerify(set, jwks, { typ: "secevent+jwt" });
        const mine = (payload.sub_id as { uri: string }).uri === `/Users/${u.id}`;
        out.push({ jti, type: String(payload.event_type), mine });
      }
      return out;
    };
    const seenA = await eventually(async () => {
      const got = await read(`Bearer ${tokA.token}`);
      return got.some((e) => e.mine) ? got : null;
    });
    expect(new Set(seenA.map((e) => e.type))).toEqual(new Set(["user.created"]));
    const seenB = await eventually(async () => {
      const got = await read(`Bearer ${tokB.token}`);
      return got.some((e) => e.mine) ? got : null;
    });
    expect(new Set(seenB.map((e) => e.type))).toEqual(new Set(["user.deactivated"]));

    // A's ack of B's event moves nothing; A's own acks move A's stream only.
    const before = await streams();
    await read(`Bearer ${tokA.token}`, [seenB.find((e) => e.mine)!.jti]);
    expect(await streams()).toEqual(
      [...before, { id: `webhook:${a}`, acked_seq: 0 }].sort((x, y) => String(x.id).localeCompare(String(y.id))),
    );
    expect(
      await read(
        `Bearer ${tokA.token}`,
        seenA.map((e) => e.jti),
      ),
    ).toEqual([]);
    const after = (await streams()) as { id: string; acked_seq: number }[];
    expect(after.find((s) => s.id === `webhook:${a}`)!.acked_seq).toBeGreaterThan(0);
    expect(after.filter((s) => s.id !== `webhook:${a}`)).toEqual(before);
    // The admin token still polls every event, B's stream is untouched.
    expect((await pollWith("acme", admin.token, { maxEvents: 0 })).status).toBe(200);
    expect((await read(`Bearer ${tokB.token}`)).some((e) => e.mine)).toBe(true);

    // A poll token opens nothing else: not the admin API.
    const onAdmin = await SELF.fetch(`${ORIGIN}/t/acme/admin/api/webhooks`, {
      headers: { Authorization: `Bearer ${tokA.token}` },
    });
    expect(onAdmin.status).toBe(401);
    // Revoking through the other endpoint's path: 404, nothing changed.
    expect((await admin.del(`/webhooks/${a}/poll-tokens/${tokB.id}`)).status).toBe(404);
    expect((await pollWith("acme", `Bearer ${tokB.token}`, { maxEvents: 0 })).status).toBe(200);
    // Revoked: refused, and its stream stays where it was.
    expect((await admin.del(`/webhooks/${a}/poll-tokens/${tokA.id}`)).status).toBe(204);
    const frozen = await streams();
    await expectRefused(await pollWith("acme", `Bearer ${tokA.token}`, { ack: seenB.map((e) => e.jti) }));
    expect(await streams()).toEqual(frozen);
    expect((await admin.del(`/webhooks/${a}/poll-tokens/${tokA.id}`)).status).toBe(404);
    // A deleted endpoint's tokens stop too.
    expect((await admin.del(`/webhooks/${b}`)).status).toBe(204);
    await expectRefused(await pollWith("acme", `Bearer ${tokB.token}`, { maxEvents: 0 }));
    // ...and nothing of them is kept: no token hash, no poll position.
    const kept = await tenantDb("acme")
      .prepare(
        "SELECT (SELECT count(*) FROM poll_tokens WHERE webhook_id = ?1) + (SELECT count(*) FROM poll_streams WHERE id = ?2) AS n",
      )
      .bind(b, `webhook:${b}`)
      .first<{ n: number }>();
    expect(kept?.n).toBe(0);
    expect((await admin.del(`/webhooks/${a}`)).status).toBe(204);
  });

  it("refuses another tenant's poll token, an unknown one and a malformed one alike, RFC 6750 style", async () => {
    const other = await adminClient("globex");
    const hook = (await (
      await other.post("/webhooks", { url: "https://hooks.example.com/other", format: "json" })
    ).json()) as { id: string };
    const tok = (await (await other.post(`/webhooks/${hook.id}/poll-tokens`)).json()) as { token: string };
    expect((await pollWith("globex", `Bearer ${tok.token}`, { maxEvents: 0 })).status).toBe(200);
    const before = await streams();
    await expectRefused(await pollWith("acme", `Bearer ${tok.token}`, { maxEvents: 0 }));
    await expectRefused(await pollWith("acme", `Bearer scimep_${"A".repeat(43)}`, { maxEvents: 0 }));
    await expectRefused(await pollWith("acme", "Bearer nope", { maxEvents: 0 }));
    expect(await streams()).toEqual(before);
    expect((await other.post("/webhooks/nope/poll-tokens")).status).toBe(404);
    expect((await other.del(`/webhooks/${hook.id}`)).status).toBe(204);
  });
});
