import { createLocalJWKSet, jwtVerify } from "jose";
import { Webhook } from "standardwebhooks";
import { describe, expect, it } from "vitest";
import { audit } from "../../src/events/types";
import { DEAD_LETTER_AFTER_MS, MAX_RETRY_MS, nextAttemptAt, retryDelayMs } from "../../src/webhooks/backoff";
import { eventsOf } from "../../src/webhooks/derive";
import { jsonBody, setClaims } from "../../src/webhooks/payload";
import { newSigningKey, newWebhookSecret, signSet, standardSignature } from "../../src/webhooks/sign";
import { webhookUrlProblem } from "../../src/webhooks/url";

describe("webhook URLs (issue 19 outbound safety)", () => {
  it.each([
    ["https://hooks.example.com/scim", null],
    ["https://93.184.216.34/x", null],
    ["https://[2606:4700::1111]/x", null],
  ])("accepts %s", (url, want) => expect(webhookUrlProblem(url, false)).toBe(want));

  it.each([
    ["http://hooks.example.com/x", /https/],
    ["ftp://hooks.example.com/x", /https/],
    ["not a url", /absolute URL/],
    ["https://user:pw@hooks.example.com/", /user name or password/],
    ["https://localhost/x", /local name/],
    ["https://api.localhost/x", /local name/],
    ["https://printer.local/x", /local name/],
    ["https://intranet/x", /local name/],
    ["https://127.0.0.1/x", /private/],
    ["https://2130706433/x", /private/],
    ["https://0x7f.1/x", /private/],
    ["https://10.1.2.3/x", /private/],
    ["https://172.20.0.1/x", /private/],
    ["https://192.168.1.1/x", /private/],
    ["https://169.254.169.254/latest/meta-data", /private/],
    ["https://100.64.0.1/x", /private/],
    ["https://0.0.0.0/x", /private/],
    ["https://[::1]/x", /private/],
    ["https://[::]/x", /private/],
    ["https://[fe80::1]/x", /private/],
    ["https://[fd00::1]/x", /private/],
    ["https://[::ffff:127.0.0.1]/x", /private/],
    ["https://[::ffff:10.0.0.1]/x", /private/],
  ])("refuses %s", (url, why) => expect(webhookUrlProblem(url, false)).toMatch(why));

  it.each([
    ["https://hooks.example.com./x", null],
    ["https://[2002:5db8:d822::1]/x", null], // 6to4 around a public IPv4
    ["https://[2001:db8::1]/x", null],
  ])("accepts %s (one trailing dot, 6to4 of a public address)", (url, want) =>
    expect(webhookUrlProblem(url, false)).toBe(want),
  );

  it.each([
    ["https://127.0.0.1../x", /empty label/],
    ["https://localhost../x", /empty label/],
    ["https://foo.localhost../x", /empty label/],
    ["https://vm../x", /empty label/],
    ["https://hooks..example.com/x", /empty label/],
    ["https://localhost%E3%80%82%E3%80%82/x", /empty label/],
    ["https://[2002:7f00:1::]/x", /private/],
    ["https://[2002:a9fe:a9fe::]/x", /private/],
    ["https://[2002:0a00:0001::1]/x", /private/],
    ["https://[2001:0:4136:e378:8000:63bf:3fff:fdd2]/x", /private/],
    ["https://[fec0::1]/x", /private/],
    ["https://[feff::1]/x", /private/],
    ["https://[100::1]/x", /private/],
    ["https://[64:ff9b:1::a00:1]/x", /private/],
    ["https://[::ffff:0:7f00:1]/x", /private/],
  ])("refuses %s (empty labels; 6to4, Teredo, site-local and discard IPv6)", (url, why) =>
    expect(webhookUrlProblem(url, false)).toMatch(why),
  );

  it("lets http://127.0.0.1:<port> through only where local runs allow it", () => {
    expect(webhookUrlProblem("http://127.0.0.1:8788/hook", true)).toBeNull();
    expect(webhookUrlProblem("http://127.0.0.1:8788/hook", false)).toMatch(/https/);
    expect(webhookUrlProblem("http://127.0.0.1/hook", true)).toMatch(/https/);
    expect(webhookUrlProblem("http://localhost:8788/hook", true)).toMatch(/https/);
    expect(webhookUrlProblem("http://10.0.0.1:8788/hook", true)).toMatch(/https/);
  });
});

describe("retry schedule", () => {
  it("doubles from 30 s and stays at most 6 h apart", () => {
    expect([1, 2, 3, 4].map((n) => retryDelayMs(n))).toEqual([30_000, 60_000, 120_000, 240_000]);
    expect(retryDelayMs(20)).toBe(MAX_RETRY_MS);
    expect(retryDelayMs(1000)).toBe(MAX_RETRY_MS);
  });

  it("dead-letters once the next try would be more than 24 h after the commit", () => {
    const created = 0;
    expect(nextAttemptAt(created, 1, 1000)).toBe(31_000);
    expect(nextAttemptAt(created, 12, DEAD_LETTER_AFTER_MS - 1000)).toBeNull();
  });
});

describe("signatures, checked with the receivers' libraries", () => {
  it("json: Standard Webhooks' own library verifies webhook-signature", async () => {
    const secret = newWebhookSecret();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    const body = JSON.stringify({ id: "e1", type: "user.created" });
    const ts = Math.floor(Date.now() / 1000);
    const headers = {
      "webhook-id": "e1",
      "webhook-timestamp": String(ts),
      "webhook-signature": await standardSignature(secret, "e1", ts, body),
    };
    expect(new Webhook(secret).verify(body, headers)).toEqual({ id: "e1", type: "user.created" });
    expect(() => new Webhook(newWebhookSecret()).verify(body, headers)).toThrow();
  });

  it("set: jose verifies the ES256 SET with the published key", async () => {
    const key = await newSigningKey();
    const [event] = eventsOf(audit("scim", "create", "User", "u1", { userName: "a@b.c", externalId: "x1" }), 7);
    const jwt = await signSet(key, setClaims(event, "https://scim.test/t/acme/scim/v2", "https://r.test/", 1));
    const { payload, protectedHeader } = await jwtVerify(jwt, createLocalJWKSet({ keys: [key.publicJwk] }), {
      typ: "secevent+jwt",
      audience: "https://r.test/",
      issuer: "https://scim.test/t/acme/scim/v2",
      currentDate: new Date(1000),
    });
    expect(protectedHeader).toMatchObject({ alg: "ES256", kid: key.kid });
    expect(payload).toMatchObject({
      jti: event.id,
      sub_id: { format: "scim", uri: "/Users/u1", externalId: "x1" },
      events: { "urn:ietf:params:scim:event:prov:create:notice": { attributes: ["userName"] } },
    });
    expect(JSON.stringify(payload)).not.toContain(JSON.stringify(key.privateJwk.d));
  });
});

describe("events derived from audit entries", () => {
  const u = (action: Parameters<typeof audit>[1], detail: Record<string, unknown>) =>
    eventsOf(audit("scim", action, "User", "u1", detail), 1).map((e) => e.type);
  it("tells each user change apart", () => {
    expect(u("create", {})).toEqual(["user.created"]);
    expect(u("update", { request: "PUT", changed: ["title"], active: true })).toEqual(["user.replaced"]);
    expect(u("update", { request: "PATCH", changed: ["title"], active: true })).toEqual(["user.modified"]);
    expect(u("enable", { request: "PATCH", changed: ["active"], active: true })).toEqual(["user.activated"]);
    // An entry audited before "enable" existed (still in the outbox when the Worker was updated).
    expect(u("update", { request: "PATCH", changed: ["active"], active: true })).toEqual(["user.activated"]);
    expect(u("disable", { request: "PATCH", changed: ["active"], active: false })).toEqual(["user.deactivated"]);
    expect(u("disable", { request: "DELETE", changed: ["active"], active: false })).toEqual(["user.deleted"]);
    // The tenant's `delete` mode: the user is gone, a tombstone stays.
    expect(u("delete", { request: "DELETE", userName: "a@b.c" })).toEqual(["user.deleted"]);
    expect(u("hard-delete", {})).toEqual(["user.hard_deleted"]);
    expect(u("takeover", {})).toEqual(["user.taken_over"]);
    expect(u("refused", {})).toEqual([]);
  });

  it("a membership change that adds and removes is two events with stable ids, in order", () => {
    const a = audit("scim", "membership", "Group", "g1", {
      added: 2,
      removed: 1,
      addedIds: ["a", "b"],
      removedIds: ["c"],
    });
    const evs = eventsOf(a, 5);
    expect(evs.map((e) => [e.id, e.seq, e.type])).toEqual([
      [a.id, 20, "group.members_added"],
      [`${a.id}:removed`, 21, "group.members_removed"],
    ]);
    expect(JSON.parse(jsonBody(evs[1]))).toMatchObject({ type: "group.members_removed", data: { memberIds: ["c"] } });
  });

  it("a group rename is told apart from other group changes", () => {
    const g = (changed: string[]) => eventsOf(audit("scim", "update", "Group", "g1", { changed }), 1)[0].type;
    expect(g(["displayName"])).toBe("group.renamed");
    expect(g(["externalId"])).toBe("group.modified");
  });

  it("a change of a user's effective roles is user.roles_changed, with before and after in both formats", () => {
    const a = audit("system", "roles", "User", "u1", {
      userName: "a@b.c",
      externalId: "x1",
      before: [{ value: "kiosk", primary: true }],
      after: [
        { value: "device-admin", primary: true },
        { value: "helpdesk", primary: false },
      ],
    });
    const [e] = eventsOf(a, 3);
    expect(e.type).toBe("user.roles_changed");
    expect(JSON.parse(jsonBody(e))).toMatchObject({
      type: "user.roles_changed",
      data: {
        id: "u1",
        userName: "a@b.c",
        roles: [
          { value: "device-admin", primary: true },
          { value: "helpdesk", primary: false },
        ],
        previousRoles: [{ value: "kiosk", primary: true }],
      },
    });
    expect(setClaims(e, "https://i", "https://a", 1).events).toEqual({
      "urn:edge-scim:event:user:roles_changed": {
        before: [{ value: "kiosk", primary: true }],
        after: [
          { value: "device-admin", primary: true },
          { value: "helpdesk", primary: false },
        ],
      },
    });
  });
});
