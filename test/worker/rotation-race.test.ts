import { describe, expect, it } from "vitest";
import { ORIGIN, adminClient, entraUser, issueToken, patchOp, tenantDb } from "./helpers";
import { fetchWorker } from "./instrumented";

/**
 * P2 "the previous token stops at once", for requests already in flight when the token is
 * rotated: every round trip of a SCIM request after its token check carries the token check in
 * its own D1 batch (tenants/guarded-db.ts), so no write of an old-token request commits after the
 * rotation's transaction, including the retry of a write that lost a version race.
 */
const TENANT = "acme";
let address = 0;

function request(token: string, method: string, path: string, body?: unknown) {
  return new Request(`${ORIGIN}/t/${TENANT}/scim/v2${path}`, {
    method,
    headers: {
      Authorization: `Bearer ${token}`,
      "CF-Connecting-IP": `203.0.113.${++address % 250}`,
      ...(body !== undefined ? { "Content-Type": "application/scim+json" } : {}),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

/**
 * The tenant's real local D1, with `before[n]` run before the n-th batch that updates a user:
 * what other requests commit between two round trips of this one.
 */
function interleaved(db: D1Database, before: (() => Promise<void>)[]): D1Database {
  let n = 0;
  const sqlOf = new WeakMap<object, string>();
  const wrap = (stmt: D1PreparedStatement, sql: string): D1PreparedStatement => {
    const p = new Proxy(stmt, {
      get(target, prop) {
        if (prop === "bind") return (...args: unknown[]) => wrap(target.bind(...args), sql);
        const v = Reflect.get(target, prop, target);
        return typeof v === "function" ? v.bind(target) : v;
      },
    });
    sqlOf.set(p, sql);
    real.set(p, stmt);
    return p;
  };
  const real = new WeakMap<object, D1PreparedStatement>();
  return new Proxy(db, {
    get(target, prop) {
      if (prop === "prepare") return (sql: string) => wrap(target.prepare(sql), sql);
      if (prop === "batch") {
        return async (stmts: D1PreparedStatement[]) => {
          if (stmts.some((s) => /^\s*UPDATE users\b/i.test(sqlOf.get(s) ?? ""))) await before[n++]?.();
          return target.batch(stmts.map((s) => real.get(s) ?? s));
        };
      }
      const v = Reflect.get(target, prop, target);
      return typeof v === "function" ? v.bind(target) : v;
    },
  });
}

const stored = async (id: string) =>
  (await tenantDb(TENANT).prepare("SELECT version, doc FROM users WHERE id = ?1").bind(id).first()) as {
    version: number;
    doc: string;
  };

async function userEventsAfter(rowid: number) {
  const rows = await tenantDb(TENANT)
    .prepare("SELECT rowid, payload FROM outbox WHERE rowid > ?1 ORDER BY rowid")
    .bind(rowid)
    .all<{ rowid: number; payload: string }>();
  return rows.results;
}

const lastOutboxRow = async () =>
  ((await tenantDb(TENANT).prepare("SELECT max(rowid) AS n FROM outbox").first<{ n: number | null }>())?.n ??
    0) as number;

describe("a token rotated while its requests run (P2)", () => {
  it("a PATCH forced into a version-conflict retry by a write and a rotation between its trips commits nothing", async () => {
    const { token, id: tokenId } = await issueToken(TENANT);
    const created = await fetchWorker(request(token, "POST", "/Users", entraUser()));
    expect(created.status).toBe(201);
    const user = (await created.json()) as { id: string };
    const admin = await adminClient(TENANT);
    let rotatedAt = 0;
    let writes = 0;
    const db = interleaved(tenantDb(TENANT), [
      // Another writer moves the user on before this PATCH's first write, which loses the race...
      async () => {
        writes++;
        await tenantDb(TENANT)
          .prepare(
            "UPDATE users SET doc = json_set(doc, '$.title', 'Other writer'), version = version + 1 WHERE id = ?1",
          )
          .bind(user.id)
          .run();
      },
      // ...and the admin rotates the SCIM token before its retry.
      async () => {
        writes++;
        expect((await admin.post("/token")).status).toBe(201);
        rotatedAt = await lastOutboxRow();
      },
    ]);
    const res = await fetchWorker(
      request(token, "PATCH", `/Users/${user.id}`, patchOp({ op: "Replace", path: "displayName", value: "Too late" })),
      { TENANT_ACME: db },
    );
    // The PATCH's first write passed its token check and lost the version race; its retry came after the rotation.
    expect(writes).toBe(2);
    expect(rotatedAt).toBeGreaterThan(0);
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ status: "401" });
    const row = await stored(user.id);
    expect(row.version).toBe(2);
    expect(JSON.parse(row.doc)).toMatchObject({ title: "Other writer" });
    expect(JSON.parse(row.doc).displayName).not.toBe("Too late");
    expect(await userEventsAfter(rotatedAt)).toEqual([]);
    const revoked = await tenantDb(TENANT).prepare("SELECT revoked FROM tokens WHERE id = ?1").bind(tokenId).first();
    expect(revoked).toMatchObject({ revoked: expect.any(String) });
  });

  it("8 writers with the old token, PATCHes and creates, while the token rotates: none commits after the rotation's transaction", async () => {
    const { token } = await issueToken(TENANT);
    const created = await fetchWorker(request(token, "POST", "/Users", entraUser()));
    const user = (await created.json()) as { id: string };
    const admin = await adminClient(TENANT);
    const statuses: { status: number; patch: boolean }[] = [];
    let n = 0;
    let startRotation = () => {};
    const warm = new Promise<void>((r) => (startRotation = r));
    // Each writer sends its next request as soon as the previous one is answered, until refused.
    const writer = async (w: number) => {
      for (let i = 0; i < 30; i++) {
        const patch = (w + i) % 4 !== 0;
        const res = await fetchWorker(
          patch
            ? request(token, "PATCH", `/Users/${user.id}`, patchOp({ op: "Replace", path: "title", value: `T${++n}` }))
            : request(token, "POST", "/Users", entraUser()),
        );
        statuses.push({ status: res.status, patch });
        if (statuses.length === 40) startRotation();
        if (res.status === 401) return;
      }
    };
    const writers = Array.from({ length: 8 }, (_, w) => writer(w));
    // The rotation starts after 40 answers, while the next writes are in flight (they share this
    // isolate's event loop, so their round trips interleave with the rotation's).
    await warm;
    expect((await admin.post("/token")).status).toBe(201);
    await Promise.all(writers);
    const rows = await tenantDb(TENANT)
      .prepare("SELECT rowid, payload FROM outbox ORDER BY rowid")
      .all<{ rowid: number; payload: string }>();
    const rotationRow = rows.results.findLast((r) => /"scope":"scim"/.test(r.payload) && /"tokenId"/.test(r.payload));
    expect(rotationRow).toBeDefined();
    const after = rows.results.filter((r) => r.rowid > (rotationRow as { rowid: number }).rowid);
    const count = (f: (s: { status: number; patch: boolean }) => boolean) => statuses.filter(f).length;
    console.log(
      `rotation race: ${statuses.length} old-token writes, ${count((s) => s.status < 300)} accepted, ` +
        `${count((s) => s.status === 409)} 409 (version race lost 10 times), ${count((s) => s.status === 401)} refused; ` +
        `${after.length} outbox rows committed after the rotation's`,
    );
    expect(after).toEqual([]);
    // Every writer was stopped by the rotation, and answers are only success, the busy 409 or 401.
    expect(count((s) => s.status === 401)).toBe(8);
    expect(statuses.every((s) => s.status < 300 || s.status === 401 || s.status === 409)).toBe(true);
    // No accepted write is lost, no refused one kept: the version counts the accepted PATCHes.
    expect((await stored(user.id)).version).toBe(1 + count((s) => s.patch && s.status < 300));
  });
});
