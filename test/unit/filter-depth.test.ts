import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { listGroups } from "../../src/groups/repo";
import { parseFilter } from "../../src/scim/filter/parser";
import {
  compileFilter,
  compileUnchecked,
  D1_MAX_EXPR_DEPTH,
  MAX_FILTER_SQL_DEPTH,
  type SqlTarget,
} from "../../src/scim/filter/sql";
import { GROUPS_TARGET } from "../../src/groups/sql-target";
import { USERS_TARGET } from "../../src/users/sql-target";
import { listDepth } from "../../src/scim/filter/sql-expr";
import { parseListQuery } from "../../src/scim/list";
import { sqlPage } from "../../src/scim/page";
import { listUsersResult, listUsersStatement } from "../../src/users/repo";
import { scimError } from "./helpers";

/**
 * D1's expression depth limit (100, not SQLite's 1000), measured here on local D1 for every
 * list statement, and the filter limits checked against it: the largest filter compileFilter
 * accepts runs in every list statement, one more is a 400.
 */
const db = (env as unknown as { TENANT_ACME: D1Database }).TENANT_ACME;

type Family = [name: string, target: SqlTarget, make: (n: number) => string];
const repeat = (n: number, term: string, op = "or") => Array(n).fill(term).join(` ${op} `);
const nest = (n: number, open: string, inner: string, close: string) => open.repeat(n) + inner + close.repeat(n);
function alternating(n: number, a: string, b: string): string {
  let s = a;
  for (let i = 0; i < n; i++) s = `${b} ${i % 2 ? "and" : "or"} (${s})`;
  return s;
}

const FAMILIES: Family[] = [
  ["or-chain of eq", USERS_TARGET, (n) => repeat(n, 'userName eq "a"')],
  [
    "or-chain of distinct eq",
    USERS_TARGET,
    (n) => Array.from({ length: n }, (_, i) => `userName eq "v${i}"`).join(" or "),
  ],
  ["and-chain of pr", USERS_TARGET, (n) => repeat(n, "title pr", "and")],
  ["or-chain of co", USERS_TARGET, (n) => repeat(n, 'displayName co "a"')],
  ["nested not", USERS_TARGET, (n) => nest(n, "not (", 'userName eq "a"', ")")],
  ["and/or alternating", USERS_TARGET, (n) => alternating(n, 'userName eq "a"', 'externalId eq "b"')],
  ["or-chain of emails[...]", USERS_TARGET, (n) => repeat(n, 'emails[type eq "work" and value eq "a"]')],
  ["or-chain inside emails[...]", USERS_TARGET, (n) => `emails[${repeat(n, 'value eq "a"')}]`],
  ["nested not inside emails[...]", USERS_TARGET, (n) => `emails[${nest(n, "not (", 'value eq "a"', ")")}]`],
  ["emails[...] inside nested not", USERS_TARGET, (n) => nest(n, "not (", 'emails[value eq "a"]', ")")],
  ["or-chain of phoneNumbers[...] (json_each)", USERS_TARGET, (n) => repeat(n, 'phoneNumbers[type eq "work"]')],
  [
    "nested not inside addresses[...] (json_each)",
    USERS_TARGET,
    (n) => `addresses[${nest(n, "not (", 'type eq "a"', ")")}]`,
  ],
  ["and/or alternating of ew", USERS_TARGET, (n) => alternating(n, 'userName ew "a"', 'title ew "b"')],
  [
    "emails[type].value eq (Entra) in nested not",
    USERS_TARGET,
    (n) => nest(n, "not (", 'emails[type eq "work"].value eq "a"', ")"),
  ],
  ["groups: or-chain of eq", GROUPS_TARGET, (n) => repeat(n, 'displayName eq "a"')],
  ["groups: nested not", GROUPS_TARGET, (n) => nest(n, "not (", 'displayName eq "a"', ")")],
  ["groups: nested not inside members[...]", GROUPS_TARGET, (n) => `members[${nest(n, "not (", 'value eq "a"', ")")}]`],
];

/** Every list statement a filter runs in, through the repositories' own SQL. */
type Shape = [name: string, run: (filter: string) => Promise<unknown>];
const usersPage = (q: Record<string, unknown>) => async (filter: string) => {
  const page = sqlPage(parseListQuery({ ...q, filter }), USERS_TARGET, "u.created");
  return listUsersResult(db, page, await listUsersStatement(db, page).all());
};
const groupsPage = (q: Record<string, unknown>) => (filter: string) =>
  listGroups(db, sqlPage(parseListQuery({ ...q, filter }), GROUPS_TARGET, "g.created"));
const SHAPES: Record<"users" | "groups", Shape[]> = {
  users: [
    ["page", usersPage({})],
    ["page sorted by userName", usersPage({ sortBy: "userName", sortOrder: "descending" })],
    ["page sorted by emails (subquery)", usersPage({ sortBy: "emails" })],
    // A page past the end or of size 0 reads the count on its own (users/repo.ts).
    ["count only", usersPage({ count: 0 })],
    ["page past the end", usersPage({ startIndex: 100_000 })],
  ],
  groups: [
    ["page", groupsPage({})],
    ["page sorted by displayName", groupsPage({ sortBy: "displayName" })],
    ["count only", groupsPage({ count: 0 })],
  ],
};
const shapesOf = (target: SqlTarget) => SHAPES[target === USERS_TARGET ? "users" : "groups"];
const TOO_LARGE = /Expression tree is too large \(maximum depth (\d+)\)/;

/** The statements of every shape, uncapped: undefined when D1 runs them all, else D1's error. */
async function d1Refusal(filter: string, target: SqlTarget): Promise<string | undefined> {
  let filterTree;
  try {
    filterTree = parseFilter(filter);
  } catch (e) {
    return `parser: ${(e as Error).message}`;
  }
  const { sql, params } = compileUnchecked(filterTree, target);
  const [table, alias] = target === USERS_TARGET ? ["users", "u"] : ["groups", "g"];
  const stmts = [
    // The Users page: the count rides in the page statement as a subquery over the same WHERE.
    `SELECT (SELECT count(*) FROM ${table} ${alias} WHERE ${sql}) AS total, ${alias}.id FROM ${table} ${alias} WHERE ${sql} LIMIT 1`,
    `SELECT count(*) FROM ${table} ${alias} WHERE ${sql}`,
  ];
  for (const s of stmts) {
    try {
      await db
        .prepare(s)
        .bind(...params)
        .all();
    } catch (e) {
      return String(e);
    }
  }
  return undefined;
}

/** The largest n (up to `cap`) for which `ok(n)` holds, given that it holds for 1 and is monotone. */
async function largest(ok: (n: number) => boolean | Promise<boolean>, cap = 400): Promise<number> {
  let [lo, hi] = [1, cap + 1];
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (await ok(mid)) lo = mid;
    else hi = mid;
  }
  return lo;
}

const accepted = (filter: string, target: SqlTarget) => {
  try {
    compileFilter(parseFilter(filter), target);
    return true;
  } catch {
    return false;
  }
};

describe("D1's expression depth limit, measured", () => {
  it(`is ${D1_MAX_EXPR_DEPTH}, and the depth model predicts where D1 refuses each filter shape`, async () => {
    const figures: string[] = [];
    for (const [name, target, make] of FAMILIES) {
      const firstRefused = (await largest(async (n) => (await d1Refusal(make(n), target)) === undefined)) + 1;
      const refusal = await d1Refusal(make(firstRefused), target);
      const allowed = await largest((n) => accepted(make(n), target));
      expect(allowed, name).toBeLessThan(firstRefused);
      if (refusal === undefined) {
        figures.push(`${name}: D1 runs n=${firstRefused - 1} and more; we accept up to n=${allowed}`);
        continue;
      }
      figures.push(
        `${name}: D1 refuses from n=${firstRefused} (${refusal.slice(0, 60)}...); we accept up to n=${allowed}`,
      );
      // Bound parameters (at most 100 per statement) and the filter's length are limits of their own.
      if (/variable number must be between|^parser:/.test(refusal)) continue;
      expect(refusal, name).toMatch(TOO_LARGE);
      expect(Number(TOO_LARGE.exec(refusal)?.[1])).toBe(D1_MAX_EXPR_DEPTH);
      // The model's cost of the costliest statement crosses the limit exactly where D1 refuses.
      const cost = (n: number) => listDepth(compileUnchecked(parseFilter(make(n)), target).expr);
      expect(cost(firstRefused - 1), name).toBeLessThanOrEqual(D1_MAX_EXPR_DEPTH);
      expect(cost(firstRefused), name).toBeGreaterThan(D1_MAX_EXPR_DEPTH);
    }
    console.log(`D1 expression depth, per filter shape:\n  ${figures.join("\n  ")}`);
  }, 300_000);
});

describe("the largest filter accepted runs in every list statement; one more is a 400", () => {
  it.each(FAMILIES)(
    "%s",
    async (_name, target, make) => {
      const n = await largest((k) => accepted(make(k), target));
      for (const [shape, run] of shapesOf(target)) {
        await expect(run(make(n)), shape).resolves.toBeDefined();
      }
      const e = scimError(() => compileFilter(parseFilter(make(n + 1)), target));
      expect(e.status).toBe(400);
      expect(e.scimType).toBe("invalidFilter");
      expect(e.detail).toMatch(/too complex/i);
    },
    120_000,
  );

  it("or-chains are limited by their size, not by D1's depth", async () => {
    // 48 or-ed terms answered 500 before the compiler balanced and/or chains.
    const n = await largest((k) => accepted(repeat(k, 'userName eq "a"'), USERS_TARGET));
    expect(n).toBe(100);
    expect(listDepth(compileUnchecked(parseFilter(repeat(n, 'userName eq "a"')), USERS_TARGET).expr)).toBeLessThan(30);
  });

  it(`random filters: whatever compileFilter accepts runs in every list statement (depth budget ${MAX_FILTER_SQL_DEPTH})`, async () => {
    let seed = 12;
    const rand = (k: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % k;
    };
    const leaves = [
      'userName eq "a"',
      "title pr",
      'displayName ew "x"',
      "active eq true",
      'meta.created gt "2024-01-01T00:00:00Z"',
      'name.familyName co "b"',
    ];
    const inner = ['value eq "a"', 'type eq "work"', "primary eq true", 'value ew "c"', "display pr"];
    const gen = (d: number, sub: boolean): string => {
      const r = rand(10);
      if (d <= 0 || r < 3) return sub ? inner[rand(inner.length)] : leaves[rand(leaves.length)];
      if (r < 5) return `not (${gen(d - 1, sub)})`;
      if (r < 6 && !sub) return `${["emails", "phoneNumbers", "ims"][rand(3)]}[${gen(d - 1, true)}]`;
      return `(${gen(d - 1, sub)} ${rand(2) ? "and" : "or"} ${gen(d - 1, sub)})`;
    };
    let ran = 0;
    for (let i = 0; i < 120; i++) {
      const filter = gen(8 + rand(30), false);
      if (!accepted(filter, USERS_TARGET)) continue;
      ran++;
      for (const [shape, run] of SHAPES.users) await expect(run(filter), `${shape}: ${filter}`).resolves.toBeDefined();
    }
    expect(ran).toBeGreaterThan(30);
  }, 300_000);
});
