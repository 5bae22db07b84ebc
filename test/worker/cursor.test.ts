import { describe, expect, it } from "vitest";
import { importCursorKey, queryFingerprint, signCursor } from "../../src/scim/cursor";
import { adminClient, type Client, createGroup, newClient, scimError, tenantDb } from "./helpers";

/**
 * RFC 9865 cursor pagination on /Users, /Groups and .search: a walk sees every resource that
 * exists for the whole walk exactly once while others are created and deleted, in every
 * supported order; every refusal has its scimType.
 */
const q = encodeURIComponent;
const TOTAL = 2500;

/** Seeds users straight into D1 (as filter-sql.test.ts does), 500 per statement. */
async function seedUsers(tag: string, n: number): Promise<string[]> {
  const db = tenantDb("acme");
  const base = Date.parse("2025-01-01T00:00:00Z");
  const rows = Array.from({ length: n }, (_, i) => {
    const userName = `${tag}-${String((i * 7919) % n).padStart(5, "0")}@walk.test`;
    const displayName = i % 10 === 3 ? null : `Walker ${(i * 104729) % 997}`;
    const doc = {
      userName,
      displayName: displayName ?? undefined,
      emails: [{ value: userName, type: "work", primary: true }],
    };
    // Some share a created time, so the id breaks ties.
    const created = new Date(base + Math.floor(i / 2) * 1000).toISOString();
    const modified = new Date(base + ((i * 31) % n) * 1000).toISOString();
    return {
      id: `${tag}-${String(i).padStart(5, "0")}`,
      userName,
      displayName,
      doc: JSON.stringify(doc),
      created,
      modified,
    };
  });
  const stmts = [];
  for (let k = 0; k < rows.length; k += 500) {
    stmts.push(
      db
        .prepare(
          `INSERT INTO users (id, user_name, external_id, display_name, active, source, doc, version, created, last_modified)
           SELECT json_extract(value, '$.id'), json_extract(value, '$.userName'), NULL, json_extract(value, '$.displayName'), 1,
                  'scim', json_extract(value, '$.doc'), 1, json_extract(value, '$.created'), json_extract(value, '$.modified')
           FROM json_each(?1)`,
        )
        .bind(JSON.stringify(rows.slice(k, k + 500))),
    );
  }
  await db.batch(stmts);
  return rows.map((r) => r.id);
}

async function page(c: Client, path: string): Promise<{ ids: string[]; next?: string; total: number; body: any }> {
  const res = await c.get(path);
  expect(res.status, await res.clone().text()).toBe(200);
  const body = await res.json<any>();
  expect(body.startIndex).toBeUndefined();
  return { ids: body.Resources.map((r: any) => r.id), next: body.nextCursor, total: body.totalResults, body };
}

describe("a cursor walk of 2,500 users while others are created and deleted", () => {
  it.each<[string, string]>([
    ["creation order", ""],
    ["userName", "&sortBy=userName"],
    ["displayName descending (some without one)", "&sortBy=displayName&sortOrder=descending"],
    ["displayName ascending", "&sortBy=displayName"],
    ["meta.created descending", "&sortBy=meta.created&sortOrder=descending"],
    ["meta.lastModified", "&sortBy=meta.lastModified"],
  ])(
    "%s",
    async (_name, sort) => {
      const tag = `w${crypto.randomUUID().slice(0, 8)}`;
      const seeded = await seedUsers(tag, TOTAL);
      const c = await newClient();
      const admin = await adminClient();
      // Deleted during the walk: so not expected; the rest are there from start to end.
      const doomed = new Set(seeded.filter((_, i) => i % 97 === 5));
      const stable = seeded.filter((id) => !doomed.has(id));
      const toDelete = [...doomed];
      const filter = `&filter=${q(`userName sw "${tag}"`)}`;
      const seen: string[] = [];
      let cursor = "";
      let pages = 0;
      for (;;) {
        const p = await page(c, `/Users?count=100&cursor=${q(cursor)}${filter}${sort}&attributes=userName`);
        expect(p.ids.length).toBeLessThanOrEqual(100);
        seen.push(...p.ids);
        pages++;
        // Another client changes the set between pages: one new user (matching the filter), one deletion.
        const created = await c.post("/Users", {
          userName: `${tag}-new-${pages}@walk.test`,
          displayName: `Walker new ${pages}`,
          emails: [{ value: `${tag}-new-${pages}@walk.test`, type: "work" }],
          name: { givenName: "New", familyName: "Walker" },
        });
        expect(created.status).toBe(201);
        const gone = toDelete.shift();
        if (gone) expect((await admin.del(`/users/${gone}`)).status).toBeLessThan(300);
        if (!p.next) break;
        expect(p.ids.length).toBe(100);
        cursor = p.next;
      }
      expect(pages).toBeGreaterThanOrEqual(24);
      expect(new Set(seen).size, "no resource twice").toBe(seen.length);
      const seenSet = new Set(seen);
      expect(
        stable.filter((id) => !seenSet.has(id)),
        "every stable user once",
      ).toEqual([]);
    },
    240_000,
  );
});

describe("cursor pages", () => {
  it("page through Groups and .search, count may change, the last page has no nextCursor", async () => {
    const c = await newClient();
    const tag = `cg${crypto.randomUUID().slice(0, 8)}`;
    const made = [];
    for (let i = 0; i < 7; i++) made.push((await createGroup(c, { displayName: `${tag} ${i}` })).id);
    const filter = `displayName sw "${tag}"`;
    const first = await page(
      c,
      `/Groups?cursor=&count=3&filter=${q(filter)}&sortBy=displayName&excludedAttributes=members`,
    );
    expect(first.ids).toEqual(made.slice(0, 3));
    expect(first.total).toBe(7);
    const search = await c.post("/Groups/.search", {
      cursor: first.next,
      count: 5,
      filter,
      sortBy: "displayName",
      excludedAttributes: "members",
    });
    const second = await search.json<any>();
    expect(second.Resources.map((r: any) => r.id)).toEqual(made.slice(3));
    expect(second.nextCursor).toBeUndefined();
    expect(second.itemsPerPage).toBe(4);
  });

  it("count 0 (or negative) answers only totalResults; no cursor parameter is index paging", async () => {
    const c = await newClient();
    for (const count of ["0", "-5"]) {
      const p = await page(c, `/Users?cursor=&count=${count}`);
      expect(p.ids).toEqual([]);
      expect(p.next).toBeUndefined();
      expect(p.total).toBeGreaterThan(0);
    }
    const index = await (await c.get("/Users?count=1")).json<any>();
    expect(index.startIndex).toBe(1);
    expect(index.nextCursor).toBeUndefined();
  });
});

describe("cursor refusals", () => {
  async function firstCursor(c: Client, extra = "") {
    const p = await page(c, `/Users?cursor=&count=1${extra}`);
    expect(p.next).toBeDefined();
    return p.next as string;
  }
  const refused = async (res: Response, scimType: string, detail?: RegExp) => {
    expect(res.status).toBe(400);
    const body = await scimError(res);
    expect(body.scimType).toBe(scimType);
    if (detail) expect(body.detail).toMatch(detail);
  };

  it("a forged or garbled cursor is invalidCursor", async () => {
    const c = await newClient();
    await c.post("/Users", {
      userName: `x-${crypto.randomUUID()}@x.test`,
      emails: [{ value: "a@x.test" }],
      name: { givenName: "A", familyName: "B" },
    });
    await c.post("/Users", {
      userName: `y-${crypto.randomUUID()}@x.test`,
      emails: [{ value: "b@x.test" }],
      name: { givenName: "A", familyName: "B" },
    });
    const cursor = await firstCursor(c);
    const [body, mac] = cursor.split(".");
    const payload = JSON.parse(atob(body.replaceAll("-", "+").replaceAll("_", "/")));
    const forgedBody = btoa(JSON.stringify({ ...payload, i: "0" }))
      .replaceAll("+", "-")
      .replaceAll("/", "_")
      .replace(/=+$/, "");
    for (const bad of [
      `${forgedBody}.${mac}`,
      `${body}.${mac.slice(0, -2)}AA`,
      "abc",
      "a.b.c",
      `${body}`,
      "x".repeat(5000),
      "%%%.###",
    ]) {
      await refused(await c.get(`/Users?count=1&cursor=${q(bad)}`), "invalidCursor");
    }
  });

  it("a cursor of another query, resource type or tenant is invalidCursor", async () => {
    const c = await newClient();
    const cursor = await firstCursor(c, `&filter=${q("userName pr")}`);
    await refused(
      await c.get(`/Users?count=1&cursor=${q(cursor)}&filter=${q("userName pr and active eq true")}`),
      "invalidCursor",
      /different query/,
    );
    await refused(
      await c.get(`/Users?count=1&cursor=${q(cursor)}&filter=${q("userName pr")}&sortOrder=descending`),
      "invalidCursor",
    );
    await refused(
      await c.get(`/Users?count=1&cursor=${q(cursor)}&filter=${q("userName pr")}&attributes=userName`),
      "invalidCursor",
    );
    // The count may change between pages.
    expect((await c.get(`/Users?count=2&cursor=${q(cursor)}&filter=${q("userName pr")}`)).status).toBe(200);
    await refused(await c.get(`/Groups?count=1&cursor=${q(cursor)}&filter=${q("userName pr")}`), "invalidCursor");
    const other = await newClient("globex");
    await other.post("/Users", {
      userName: `g-${crypto.randomUUID()}@x.test`,
      emails: [{ value: "g@x.test" }],
      name: { givenName: "A", familyName: "B" },
    });
    await refused(await other.get(`/Users?count=1&cursor=${q(cursor)}&filter=${q("userName pr")}`), "invalidCursor");
  });

  it("an expired cursor is expiredCursor", async () => {
    const c = await newClient();
    await firstCursor(c); // the tenant has its key from here on
    const row = await tenantDb("acme")
      .prepare("SELECT value FROM settings WHERE key = 'cursorKey'")
      .first<{ value: string }>();
    const key = await importCursorKey(Uint8Array.from(atob(JSON.parse(row!.value)), (ch) => ch.charCodeAt(0)));
    const query = await queryFingerprint({ sortOrder: "ascending" });
    const old = await signCursor(
      key,
      { tenant: "acme", resource: "User", query },
      { key: "2020-01-01T00:00:00.000Z", id: "x" },
      Date.now() - 2 * 3600_000,
    );
    await refused(await c.get(`/Users?count=1&cursor=${q(old)}`), "expiredCursor");
    const fresh = await signCursor(
      key,
      { tenant: "acme", resource: "User", query },
      { key: "2020-01-01T00:00:00.000Z", id: "x" },
    );
    expect((await c.get(`/Users?count=1&cursor=${q(fresh)}`)).status).toBe(200);
  });

  it.each<[string, string, string]>([
    ["count not an integer", "/Users?cursor=&count=ten", "invalidCount"],
    ["count above maxPageSize", "/Users?cursor=&count=1001", "invalidCount"],
    ["cursor with startIndex", "/Users?cursor=&startIndex=5", "invalidValue"],
    ["cursor sorted by an unindexed attribute", "/Users?cursor=&sortBy=name.familyName", "invalidValue"],
    ["Groups cursor sorted by an unknown attribute", "/Groups?cursor=&sortBy=shoeSize", "invalidValue"],
  ])("%s", async (_name, path, scimType) => {
    await refused(await (await newClient()).get(path), scimType);
  });

  it("a .search body with a cursor that is not a string is invalidCursor", async () => {
    const c = await newClient();
    await refused(await c.post("/Users/.search", { cursor: 5 }), "invalidCursor");
  });
});

describe("the admin API's user list pages with the same cursors", () => {
  it("walks in userName order with next, and refuses a cursor of another list", async () => {
    const c = await newClient();
    const admin = await adminClient();
    const tag = `adm${crypto.randomUUID().slice(0, 8)}`;
    const ids: string[] = [];
    for (const i of [3, 1, 4, 0, 2]) {
      const res = await c.post("/Users", {
        userName: `${tag}-${i}@x.test`,
        emails: [{ value: `${tag}-${i}@x.test` }],
        name: { givenName: "A", familyName: "B" },
      });
      ids[i] = (await res.json<any>()).id;
    }
    const seen: string[] = [];
    let cursor = "";
    for (let pages = 0; pages < 5; pages++) {
      const res = await admin.get(`/users?userName=${tag}&limit=2&cursor=${q(cursor)}`);
      expect(res.status).toBe(200);
      const body = await res.json<any>();
      expect(body.total).toBe(5);
      seen.push(...body.users.map((u: any) => u.id));
      if (!body.next) break;
      cursor = body.next;
    }
    expect(seen).toEqual(ids);
    const first = await (await admin.get(`/users?userName=${tag}&limit=2&cursor=`)).json<any>();
    const scim = await c.get(`/Users?count=2&cursor=${q(first.next)}&sortBy=userName`);
    expect((await scimError(scim)).scimType).toBe("invalidCursor");
    const other = await admin.get(`/users?userName=${tag}-1&limit=2&cursor=${q(first.next)}`);
    expect(other.status).toBe(400);
    expect((await other.json<any>()).error.message).toMatch(/different query/);
  });
});
