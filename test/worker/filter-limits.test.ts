import { SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { parseFilter } from "../../src/scim/filter/parser";
import { compileFilter, type SqlTarget } from "../../src/scim/filter/sql";
import { GROUPS_TARGET } from "../../src/groups/sql-target";
import { USERS_TARGET } from "../../src/users/sql-target";
import { type Client, createUser, newClient, scimError } from "./helpers";

/**
 * Filters at the limits, through the Worker: the largest accepted of each shape answers 200 on
 * every list endpoint (GET and .search, sorted or not, count only), one more answers 400
 * invalidFilter, never 500 (D1 refuses expression trees deeper than 100).
 */
const repeat = (n: number, term: string, op = "or") => Array(n).fill(term).join(` ${op} `);
const nest = (n: number, open: string, inner: string, close: string) => open.repeat(n) + inner + close.repeat(n);
function alternating(n: number, a: string, b: string): string {
  let s = a;
  for (let i = 0; i < n; i++) s = `${b} ${i % 2 ? "and" : "or"} (${s})`;
  return s;
}

const accepted = (filter: string, target: SqlTarget) => {
  try {
    compileFilter(parseFilter(filter), target);
    return true;
  } catch {
    return false;
  }
};
const largest = (make: (n: number) => string, target: SqlTarget) => {
  let n = 1;
  while (accepted(make(n + 1), target)) n++;
  return n;
};

type Family = [name: string, resource: "Users" | "Groups", make: (n: number) => string];
const FAMILIES: Family[] = [
  ["or-chain of userName eq", "Users", (n) => repeat(n, 'userName eq "nobody@x"')],
  ["nested not", "Users", (n) => nest(n, "not (", 'userName eq "nobody@x"', ")")],
  ["and/or alternating", "Users", (n) => alternating(n, 'userName eq "a"', 'externalId eq "b"')],
  ["nested not inside emails[...]", "Users", (n) => `emails[${nest(n, "not (", 'value eq "a"', ")")}]`],
  ["work-email lookups or-ed", "Users", (n) => repeat(n, 'emails[type eq "work"].value eq "a@x"')],
  ["groups: nested not", "Groups", (n) => nest(n, "not (", 'displayName eq "a"', ")")],
  ["groups: or-chain of members[...]", "Groups", (n) => repeat(n, 'members[value eq "a"]')],
];

/** Every list request shape of a resource type. */
function requests(c: Client, resource: string, filter: string): [string, Promise<Response>][] {
  const q = (extra: string) => c.get(`/${resource}?filter=${encodeURIComponent(filter)}${extra}`);
  return [
    ["GET", q("")],
    ["GET sorted", q(`&sortBy=${resource === "Users" ? "userName" : "displayName"}&sortOrder=descending`)],
    ["GET count=0", q("&count=0")],
    ["GET past the end", q("&startIndex=5000")],
    [
      ".search",
      c.post(`/${resource}/.search`, {
        schemas: ["urn:ietf:params:scim:api:messages:2.0:SearchRequest"],
        filter,
        count: 5,
      }),
    ],
  ];
}

describe("filters at D1's depth limit", () => {
  it.each(FAMILIES)("%s: the largest accepted answers 200 everywhere, one more 400", async (_name, resource, make) => {
    const c = await newClient();
    await createUser(c);
    const n = largest(make, resource === "Users" ? USERS_TARGET : GROUPS_TARGET);
    for (const [shape, res] of requests(c, resource, make(n))) {
      const r = await res;
      expect(r.status, `${shape} n=${n}: ${r.status === 200 ? "" : await r.text()}`).toBe(200);
      expect(typeof (await r.json<any>()).totalResults).toBe("number");
    }
    for (const [shape, res] of requests(c, resource, make(n + 1))) {
      const r = await res;
      expect(r.status, shape).toBe(400);
      const body = await scimError(r);
      expect(body.scimType).toBe("invalidFilter");
      expect(body.detail).toMatch(/too complex/i);
    }
  });

  it("the filters that answered 500 (48 or-ed terms, 24 nested not) answer 200 and 400", async () => {
    const c = await newClient();
    const or48 = await c.get(`/Users?filter=${encodeURIComponent(repeat(48, 'userName eq "a"'))}`);
    expect(or48.status).toBe(200);
    const not24 = await c.get(`/Users?filter=${encodeURIComponent(nest(24, "not (", 'userName eq "a"', ")"))}`);
    expect(not24.status).toBe(400);
    expect((await scimError(not24)).scimType).toBe("invalidFilter");
  });

  it("a too complex filter with a bad token is never a 500", async () => {
    const c = await newClient();
    const res = await SELF.fetch(
      `${c.base}/Users?filter=${encodeURIComponent(nest(30, "not (", 'userName eq "a"', ")"))}`,
      {
        headers: { Authorization: "Bearer scim_0000000000000000000000000000000000000000000" },
      },
    );
    expect([400, 401]).toContain(res.status);
    await scimError(res);
  });
});

describe("Entra's lookup by work email", () => {
  it('emails[type eq "work"].value eq finds the user by work email only', async () => {
    const c = await newClient();
    const ann = await createUser(c, {
      emails: [
        { type: "work", value: `ann-${crypto.randomUUID()}@contoso.com`, primary: true },
        { type: "home", value: `ann-${crypto.randomUUID()}@home.example` },
      ],
    });
    const [work, home] = ann.emails.map((e: any) => e.value);
    const lookup = async (filter: string) => {
      const res = await c.get(`/Users?filter=${encodeURIComponent(filter)}`);
      expect(res.status, await res.clone().text()).toBe(200);
      return (await res.json<any>()).Resources.map((r: any) => r.id);
    };
    expect(await lookup(`emails[type eq "work"].value eq "${work.toUpperCase()}"`)).toEqual([ann.id]);
    expect(await lookup(`emails[type eq "work"].value eq "${home}"`)).toEqual([]);
    expect(await lookup(`emails[type eq "home"].value eq "${home}"`)).toEqual([ann.id]);
    const search = await c.post("/Users/.search", {
      filter: `emails[type eq "work"].value eq "${work}"`,
      attributes: "userName",
    });
    expect((await search.json<any>()).Resources).toEqual([
      expect.objectContaining({ id: ann.id, userName: ann.userName }),
    ]);
  });

  it("the same shape on other multi-valued attributes", async () => {
    const c = await newClient();
    const tag = crypto.randomUUID();
    const u = await createUser(c, {
      phoneNumbers: [{ type: "mobile", value: `+1 ${tag}` }],
      addresses: [{ type: "work", streetAddress: `${tag} Main St` }],
    });
    const ids = async (filter: string) =>
      (await (await c.get(`/Users?filter=${encodeURIComponent(filter)}`)).json<any>()).Resources.map((r: any) => r.id);
    expect(await ids(`phoneNumbers[type eq "mobile"].value eq "+1 ${tag}"`)).toEqual([u.id]);
    expect(await ids(`phoneNumbers[type eq "work"].value eq "+1 ${tag}"`)).toEqual([]);
    expect(await ids(`addresses[type eq "work"].streetAddress sw "${tag}"`)).toEqual([u.id]);
  });
});
