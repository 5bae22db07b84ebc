/**
 * Issue 19 black-box: the real Worker under wrangler dev pushes events to a receiver on
 * 127.0.0.1 that fails 30% of requests at random; signatures are checked with `standardwebhooks`
 * (json) and `jose` (SETs), not our code. Every event of every change arrives, repeats only
 * with the same id; the RFC 8936 poll replays every event in commit order.
 */
import { createServer, type IncomingMessage, type Server } from "node:http";
import { createLocalJWKSet, jwtVerify } from "jose";
import { Webhook } from "standardwebhooks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EVENT_TYPES } from "../../src/webhooks/types.ts";
import { type Blackbox, onLoopback, scimFetch, startBlackbox } from "./harness.ts";

/** Changes made while the receiver fails 30% of the time (the issue asks 2,000; see docs/events.md). */
const CHANGES = Number(process.env.EVENTS_BB_CHANGES ?? 300);

interface Received {
  id: string;
  type: string;
  resource: string;
}

function receiver(check: (req: IncomingMessage, body: string) => Promise<Received>, failRate: number) {
  const got: Received[] = [];
  let requests = 0;
  const server: Server = createServer((req, res) => {
    let body = "";
    req.on("data", (c: Buffer) => (body += c.toString()));
    req.on("end", () => {
      requests++;
      if (req.url === "/redirect") {
        res.writeHead(302, { location: "http://127.0.0.1:9/elsewhere" }).end();
        return;
      }
      if (Math.random() < failRate) {
        res.writeHead(503).end();
        return;
      }
      check(req, body).then(
        (r) => {
          got.push(r);
          res.writeHead(202).end();
        },
        () => res.writeHead(400, { "content-type": "application/json" }).end('{"err":"invalid_request"}'),
      );
    });
  });
  return {
    got,
    requests: () => requests,
    ...onLoopback(server),
  };
}

let box: Blackbox;
const admin = (path: string, init: RequestInit = {}) =>
  fetch(`${box.adminApiUrl}${path}`, {
    ...init,
    headers: { authorization: `Bearer ${box.adminToken}`, "content-type": "application/json" },
  });

beforeAll(async () => {
  box = await startBlackbox({ vars: { WEBHOOKS_ALLOW_LOOPBACK_HTTP: "1", WEBHOOKS_RETRY_BASE_MS: "500" } });
});
afterAll(async () => box?.stop());

/** wrangler dev fires no cron by itself: the test fires it, as `npm start` does every minute. */
const cron = () =>
  fetch(`${box.baseUrl}/cdn-cgi/local/scheduled?cron=${encodeURIComponent("* * * * *")}`).catch(() => undefined);

async function until<T>(what: string, check: () => Promise<T | null>, ms = 240_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > end) throw new Error(`not reached in time: ${what}`);
    await cron();
    await new Promise((r) => setTimeout(r, 1000));
  }
}

const scim = async (method: string, path: string, body?: unknown) => {
  const res = await scimFetch(box, path, { method, body: body === undefined ? undefined : JSON.stringify(body) });
  if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  return res.status === 204 ? null : ((await res.json()) as Record<string, any>);
};
const patch = (...Operations: unknown[]) => ({
  schemas: ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
  Operations,
});
const user = (n: string) => ({
  schemas: ["urn:ietf:params:scim:schemas:core:2.0:User"],
  userName: `${n}@contoso.com`,
  externalId: `ext-${n}`,
  active: true,
  name: { givenName: "G", familyName: "F" },
  emails: [{ primary: true, type: "work", value: `${n}@contoso.com` }],
});

describe("events out (issue 19)", () => {
  it("refuses a bad URL, a private address, an unknown event type; a redirect is a failed attempt, not followed", async () => {
    for (const [body, why] of [
      [{ url: "ftp://x.example.com/", format: "json" }, /https/],
      [{ url: "https://192.168.0.10/hook", format: "json" }, /private/],
      [{ url: "http://localhost:8080/hook", format: "json" }, /https/],
      [{ url: "https://x.example.com/", format: "set", events: ["user.nope"] }, /events/],
    ] as const) {
      const res = await admin("/webhooks", { method: "POST", body: JSON.stringify(body) });
      expect(res.status).toBe(400);
      expect(JSON.stringify(await res.json())).toMatch(why);
    }
    expect(((await (await admin("/webhooks")).json()) as { webhooks: unknown[] }).webhooks).toEqual([]);
    const r = receiver(async () => ({ id: "", type: "", resource: "" }), 0);
    const base = await r.listen();
    const added = (await (
      await admin("/webhooks", { method: "POST", body: JSON.stringify({ url: `${base}/redirect`, format: "json" }) })
    ).json()) as { id: string };
    const test = (await (await admin(`/webhooks/${added.id}/test`, { method: "POST" })).json()) as Record<
      string,
      unknown
    >;
    expect(test).toMatchObject({ ok: false, status: 302, error: "redirect not followed (HTTP 302)" });
    expect(r.requests()).toBe(1);
    const attempts = (await (await admin(`/webhooks/${added.id}/deliveries`)).json()) as {
      deliveries: Record<string, unknown>[];
    };
    expect(attempts.deliveries[0]).toMatchObject({ status: 302, error: "redirect not followed (HTTP 302)" });
    expect((await admin(`/webhooks/${added.id}`, { method: "DELETE" })).status).toBe(204);
    await r.close();
  });

  it(`both formats, every event type, ${CHANGES} changes with 30% failures: all arrive, repeats share the id; poll replays in order`, async () => {
    const jwks = createLocalJWKSet((await (await admin("/webhooks/jwks")).json()) as { keys: [] });
    const wh: { verifier?: Webhook } = {};
    const jsonR = receiver(async (req, body) => {
      const ev = wh.verifier!.verify(body, req.headers as Record<string, string>) as {
        id: string;
        type: string;
        data: { id: string };
      };
      expect(req.headers["webhook-id"]).toBe(ev.id);
      return { id: ev.id, type: ev.type, resource: ev.data.id };
    }, 0.3);
    const setR = receiver(async (req, body) => {
      expect(req.headers["content-type"]).toBe("application/secevent+jwt");
      const { payload } = await jwtVerify(body, jwks, { typ: "secevent+jwt" });
      return {
        id: String(payload.jti),
        type: String(payload.event_type),
        resource: String((payload.sub_id as { uri: string }).uri.split("/")[2]),
      };
    }, 0.3);
    const jsonBase = await jsonR.listen();
    const setBase = await setR.listen();
    const j = (await (
      await admin("/webhooks", { method: "POST", body: JSON.stringify({ url: `${jsonBase}/hook`, format: "json" }) })
    ).json()) as { secret: string };
    wh.verifier = new Webhook(j.secret);
    expect(
      (await admin("/webhooks", { method: "POST", body: JSON.stringify({ url: `${setBase}/hook`, format: "set" }) }))
        .status,
    ).toBe(201);

    // Every event type from real SCIM (and admin) requests. An app role mapped to a role makes
    // exactly one user.roles_changed: user c's, created with that app role and never changed.
    const mapped = await admin("/roles", {
      method: "PUT",
      body: JSON.stringify({
        roles: [{ id: "kiosk" }],
        rules: [{ precedence: 1, appRole: "MDM.Kiosk", role: "kiosk" }],
      }),
    });
    expect(mapped.status).toBe(200);
    const c = (await scim("POST", "/Users", {
      ...user(`c-${Date.now()}`),
      roles: [{ primary: "True", value: "MDM.Kiosk" }],
    }))!;
    const a = (await scim("POST", "/Users", user(`a-${Date.now()}`)))!;
    const b = (await scim("POST", "/Users", user(`b-${Date.now()}`)))!;
    await scim("PUT", `/Users/${a.id}`, { ...user(a.userName.split("@")[0]), title: "Boss" });
    await scim("PATCH", `/Users/${a.id}`, patch({ op: "replace", path: "title", value: "Chief" }));
    await scim("PATCH", `/Users/${a.id}`, patch({ op: "replace", path: "active", value: false }));
    await scim("PATCH", `/Users/${a.id}`, patch({ op: "replace", path: "active", value: true }));
    await scim("DELETE", `/Users/${a.id}`);
    const g = (await scim("POST", "/Groups", {
      schemas: ["urn:ietf:params:scim:schemas:core:2.0:Group"],
      displayName: `g-${Date.now()}`,
    }))!;
    await scim("PATCH", `/Groups/${g.id}`, patch({ op: "add", path: "members", value: [{ value: b.id }] }));
    await scim(
      "PATCH",
      `/Groups/${g.id}`,
      patch({ op: "replace", path: "displayName", value: `${g.displayName}-renamed` }),
    );
    await scim("PATCH", `/Groups/${g.id}`, patch({ op: "remove", path: `members[value eq "${b.id}"]` }));
    await scim("PATCH", `/Groups/${g.id}`, patch({ op: "replace", path: "externalId", value: `ext-${g.id}` }));
    await scim("DELETE", `/Groups/${g.id}`);
    expect((await admin(`/users/${b.id}`, { method: "DELETE" })).status).toBe(204);
    // A user from another source (local, imported by the admin) taken over by a SCIM create (P11).
    const localName = `local-${Date.now()}`;
    const imported = await admin("/import", {
      method: "POST",
      body: JSON.stringify({ users: [{ ...user(localName), source: "local", externalId: undefined }] }),
    });
    expect(imported.status).toBe(201);
    const taken = (await scim("POST", "/Users", user(localName)))!;
    expect(taken.id).toBe(((await imported.json()) as { ids: Record<string, string> }).ids[`${localName}@contoso.com`]);

    // Load: creates and changes of many users while the receivers fail 30% of the time.
    const ids: string[] = [];
    let made = 0;
    while (made < CHANGES) {
      const batch = [];
      for (let i = 0; i < 8 && made < CHANGES; i++, made++) {
        if (ids.length < 20 || made % 2 === 0) {
          batch.push(scim("POST", "/Users", user(`l-${made}-${Date.now()}`)).then((u) => void ids.push(u!.id)));
        } else {
          const id = ids[made % ids.length];
          batch.push(scim("PATCH", `/Users/${id}`, patch({ op: "replace", path: "title", value: `t${made}` })));
        }
      }
      await Promise.all(batch);
    }
    const expected = 17 + CHANGES;
    const distinct = (r: { got: Received[] }) => new Set(r.got.map((x) => x.id)).size;
    await until(`${expected} events at both receivers`, async () =>
      distinct(jsonR) >= expected && distinct(setR) >= expected ? true : null,
    );
    for (const r of [jsonR, setR]) {
      // Repeats only with the same id: one id is always one event.
      const byId = new Map<string, string>();
      for (const x of r.got) {
        expect(byId.get(x.id) ?? `${x.type}|${x.resource}`).toBe(`${x.type}|${x.resource}`);
        byId.set(x.id, `${x.type}|${x.resource}`);
      }
      expect(byId.size).toBe(expected);
      // Every event type the service sends arrived.
      expect(new Set(r.got.map((x) => x.type))).toEqual(new Set(EVENT_TYPES));
      // The takeover and the group's rename arrived signed (each receiver verified before it kept one).
      expect(r.got.filter((x) => x.resource === taken.id).map((x) => x.type)).toContain("user.taken_over");
      expect(r.got.filter((x) => x.resource === g.id).map((x) => x.type)).toContain("group.renamed");
      expect([...new Set(r.got.filter((x) => x.resource === c.id).map((x) => x.type))]).toEqual([
        "user.created",
        "user.roles_changed",
      ]);
      // Commit order per resource: user a's events in the order they were made.
      expect(
        r.got
          .filter((x) => x.resource === a.id)
          .map((x) => x.type)
          .filter((t, i, all) => all.indexOf(t) === i),
      ).toEqual([
        "user.created",
        "user.replaced",
        "user.modified",
        "user.deactivated",
        "user.activated",
        "user.deleted",
      ]);
    }

    // Poll replay, as a receiver that was down for the whole run: every event, in commit order.
    const replay: string[] = [];
    let ack: string[] = [];
    for (;;) {
      const res = await fetch(`${box.baseUrl}/t/${box.slug}/events/poll`, {
        method: "POST",
        headers: { authorization: `Bearer ${box.adminToken}`, "content-type": "application/json" },
        body: JSON.stringify({ ack, maxEvents: 200, returnImmediately: true }),
      });
      expect(res.status).toBe(200);
      const body = (await res.json()) as { sets: Record<string, string>; moreAvailable: boolean };
      for (const set of Object.values(body.sets)) replay.push(String((await jwtVerify(set, jwks)).payload.jti));
      ack = Object.keys(body.sets);
      if (!body.moreAvailable) break;
    }
    expect(replay.length).toBe(expected);
    expect(new Set(replay)).toEqual(new Set(jsonR.got.map((x) => x.id)));
    const firstSeen = [...new Map(jsonR.got.filter((x) => x.resource === a.id).map((x) => [x.id, x])).keys()];
    expect(replay.filter((id) => firstSeen.includes(id))).toEqual(firstSeen);
    await jsonR.close();
    await setR.close();
  }, 600_000);
});
