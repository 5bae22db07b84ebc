/**
 * A mapping edit at scale against `wrangler dev` (docs/roles.md): a group of 10,000 members is
 * mapped to a role; every member's roles change exactly once, each `user.roles_changed` event
 * arrives signed at a `json` receiver (verified with `standardwebhooks`) and a `set` receiver
 * (verified with `jose`), and SCIM requests made while the background recompute runs are timed
 * against the same requests before it (printed, never asserted: speed is a bench's business).
 */
import { createServer, type IncomingMessage, type Server } from "node:http";
import { createLocalJWKSet, jwtVerify } from "jose";
import { Webhook } from "standardwebhooks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Blackbox, onLoopback, scimFetch, startBlackbox } from "./harness.ts";

const MEMBERS = Number(process.env.ROLES_BB_MEMBERS ?? 10_000);

let box: Blackbox;
beforeAll(async () => {
  box = await startBlackbox({ vars: { WEBHOOKS_ALLOW_LOOPBACK_HTTP: "1", WEBHOOKS_RETRY_BASE_MS: "500" } });
});
afterAll(async () => box?.stop());

const admin = (path: string, init: RequestInit = {}) =>
  fetch(`${box.adminApiUrl}${path}`, {
    ...init,
    headers: { authorization: `Bearer ${box.adminToken}`, "content-type": "application/json" },
  });
const cron = () =>
  fetch(`${box.baseUrl}/cdn-cgi/local/scheduled?cron=${encodeURIComponent("* * * * *")}`).catch(() => undefined);

interface Got {
  id: string;
  user: string;
  before: unknown;
  after: unknown;
}

function receiver(check: (req: IncomingMessage, body: string) => Promise<Got>) {
  const got: Got[] = [];
  const server: Server = createServer((req, res) => {
    let body = "";
    req.on("data", (c: Buffer) => (body += c.toString()));
    req.on("end", () => {
      check(req, body).then(
        (g) => {
          got.push(g);
          res.writeHead(202).end();
        },
        () => res.writeHead(400).end(),
      );
    });
  });
  return { got, ...onLoopback(server) };
}

const user = (n: string) => ({
  source: "local",
  userName: `${n}@contoso.com`,
  name: { givenName: "Role", familyName: n },
  emails: [{ value: `${n}@contoso.com`, type: "work", primary: true }],
});

/** Timed SCIM requests as Entra makes them during a cycle: a lookup, then a change of a user outside the group. */
async function timedScim(count: number, outsiders: string[]): Promise<number[]> {
  const lat: number[] = [];
  for (let i = 0; i < count; i++) {
    const s = performance.now();
    const id = outsiders[i % outsiders.length];
    const res =
      i % 2 === 0
        ? await scimFetch(
            box,
            `/Users?filter=${encodeURIComponent(`userName eq "out-${i % outsiders.length}@contoso.com"`)}`,
          )
        : await scimFetch(box, `/Users/${id}`, {
            method: "PATCH",
            body: JSON.stringify({
              schemas: ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
              Operations: [{ op: "replace", path: "title", value: `t${i}` }],
            }),
          });
    await res.arrayBuffer();
    expect(res.status).toBeLessThan(300);
    lat.push(performance.now() - s);
  }
  return lat;
}
const pct = (l: number[], p: number) =>
  [...l].sort((a, b) => a - b)[Math.min(l.length - 1, Math.floor((p / 100) * l.length))];

describe(`a mapping edit on a group of ${MEMBERS.toLocaleString("en")} members`, () => {
  it("changes every member's roles exactly once, each event arrives signed; SCIM meanwhile is timed", async () => {
    // The directory: MEMBERS users in one group, 20 users outside it.
    const ids: string[] = [];
    for (let i = 0; i < MEMBERS; i += 1000) {
      const users = Array.from({ length: Math.min(1000, MEMBERS - i) }, (_, k) => user(`m${i + k}`));
      const res = await admin("/import", { method: "POST", body: JSON.stringify({ users }) });
      expect(res.status).toBe(201);
      ids.push(...Object.values(((await res.json()) as { ids: Record<string, string> }).ids));
    }
    const out = await admin("/import", {
      method: "POST",
      body: JSON.stringify({ users: Array.from({ length: 20 }, (_, i) => user(`out-${i}`)) }),
    });
    const outsiders = Object.values(((await out.json()) as { ids: Record<string, string> }).ids);
    const g = (await (
      await scimFetch(box, "/Groups", {
        method: "POST",
        body: JSON.stringify({ schemas: ["urn:ietf:params:scim:schemas:core:2.0:Group"], displayName: "Kiosk fleet" }),
      })
    ).json()) as { id: string };
    for (let i = 0; i < ids.length; i += 1000) {
      const res = await scimFetch(box, `/Groups/${g.id}`, {
        method: "PATCH",
        body: JSON.stringify({
          schemas: ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
          Operations: [{ op: "add", path: "members", value: ids.slice(i, i + 1000).map((value) => ({ value })) }],
        }),
      });
      expect(res.status).toBeLessThan(300);
    }

    // Two receivers subscribed to user.roles_changed only, each verifying before it keeps an event.
    const jwks = createLocalJWKSet((await (await admin("/webhooks/jwks")).json()) as { keys: [] });
    const wh: { v?: Webhook } = {};
    const json = receiver(async (req, body) => {
      const ev = wh.v!.verify(body, req.headers as Record<string, string>) as {
        id: string;
        type: string;
        data: { id: string; roles: unknown; previousRoles: unknown };
      };
      if (ev.type !== "user.roles_changed") throw new Error(ev.type);
      return { id: ev.id, user: ev.data.id, before: ev.data.previousRoles, after: ev.data.roles };
    });
    const set = receiver(async (req, body) => {
      const { payload } = await jwtVerify(body, jwks, { typ: "secevent+jwt" });
      const e = (payload.events as Record<string, { before: unknown; after: unknown }>)[
        "urn:edge-scim:event:user:roles_changed"
      ];
      return { id: String(payload.jti), user: (payload.sub_id as { uri: string }).uri.split("/")[2], ...e };
    });
    const add = async (url: string, format: string) =>
      (await (
        await admin("/webhooks", {
          method: "POST",
          body: JSON.stringify({ url, format, events: ["user.roles_changed"] }),
        })
      ).json()) as { secret?: string };
    wh.v = new Webhook((await add(`${await json.listen()}/hook`, "json")).secret!);
    await add(`${await set.listen()}/hook`, "set");

    const before = await timedScim(200, outsiders);
    const saved = performance.now();
    const res = await admin("/roles", {
      method: "PUT",
      body: JSON.stringify({ roles: [{ id: "kiosk" }], rules: [{ precedence: 1, group: g.id, role: "kiosk" }] }),
    });
    expect(res.status).toBe(200);
    const during: number[] = [];
    let recomputeS: number;
    for (;;) {
      during.push(...(await timedScim(20, outsiders)));
      const p = (await (await admin("/roles/progress")).json()) as { pending: number };
      if (p.pending === 0) {
        recomputeS = (performance.now() - saved) / 1000;
        break;
      }
      if (performance.now() - saved > 600_000) throw new Error("recompute not done in 10 min");
    }
    const distinct = (r: { got: Got[] }) => new Set(r.got.map((x) => x.id)).size;
    const end = Date.now() + 600_000;
    while (distinct(json) < MEMBERS || distinct(set) < MEMBERS) {
      if (Date.now() > end) throw new Error(`events: json ${distinct(json)}, set ${distinct(set)} of ${MEMBERS}`);
      await cron();
      await new Promise((r) => setTimeout(r, 1000));
    }
    const deliveredS = (performance.now() - saved) / 1000;
    // Nothing more comes: a recompute that leaves roles equal makes no event.
    await cron();
    await new Promise((r) => setTimeout(r, 5000));
    for (const r of [json, set]) {
      const byId = new Map(r.got.map((x) => [x.id, x]));
      expect(byId.size).toBe(MEMBERS);
      const perUser = new Map<string, number>();
      for (const x of byId.values()) perUser.set(x.user, (perUser.get(x.user) ?? 0) + 1);
      expect(perUser.size).toBe(MEMBERS);
      expect(new Set(perUser.keys())).toEqual(new Set(ids));
      expect([...perUser.values()].every((n) => n === 1)).toBe(true);
      expect(byId.values().next().value).toMatchObject({ before: [], after: [{ value: "kiosk", primary: true }] });
    }
    const view = (await (await admin("/roles")).json()) as { catalog: { id: string; holders: number }[] };
    expect(view.catalog.find((r) => r.id === "kiosk")?.holders).toBe(MEMBERS);
    const f = (l: number[]) =>
      `p50 ${pct(l, 50).toFixed(0)} ms, p95 ${pct(l, 95).toFixed(0)} ms (${l.length} requests)`;
    console.log(
      [
        `roles black-box: ${MEMBERS} members recomputed in ${recomputeS.toFixed(1)} s; all ${MEMBERS} events at both receivers after ${deliveredS.toFixed(1)} s`,
        `SCIM before the edit: ${f(before)}`,
        `SCIM during the recompute: ${f(during)}`,
        `slowdown: p50 x${(pct(during, 50) / pct(before, 50)).toFixed(2)}, p95 x${(pct(during, 95) / pct(before, 95)).toFixed(2)}`,
      ].join("\n"),
    );
    await json.close();
    await set.close();
  });
});
