import { env } from "cloudflare:test";
import { beforeEach, describe, expect, it } from "vitest";
import { matchesResource } from "../../src/scim/filter/evaluate";
import { parseFilter } from "../../src/scim/filter/parser";
import {
  compileFilter,
  compileSortBy,
  D1_MAX_BOUND_PARAMS,
  MAX_FILTER_PARAMS,
  MAX_FILTER_TERMS,
  type SqlTarget,
} from "../../src/scim/filter/sql";
import { GROUPS_TARGET } from "../../src/groups/sql-target";
import { USERS_TARGET } from "../../src/users/sql-target";
import { USER_RESOURCE } from "../../src/scim/schema/resources";
import { scimError } from "./helpers";

const db = (env as unknown as { TENANT_ACME: D1Database }).TENANT_ACME;
const ENT = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
/** Rows of this suite; other suites may share the database, so results are narrowed to these ids. */
const PREFIX = "flt-";

interface UserFixture {
  id: string;
  created: string;
  doc: Record<string, unknown>;
}

const USERS: UserFixture[] = [
  {
    id: "flt-1",
    created: "2024-01-01T00:00:00.000Z",
    doc: {
      userName: "Alice.Smith@contoso.com",
      externalId: "EXT-1",
      displayName: "Alice Smith",
      name: { givenName: "Alice", familyName: "Smith" },
      title: "Engineer",
      active: true,
      emails: [
        { value: "alice@contoso.com", type: "work", primary: true },
        { value: "alice@home.example", type: "home" },
      ],
      phoneNumbers: [{ value: "+1 555 0100", type: "work" }],
      addresses: [
        { type: "work", streetAddress: "1 Main St" },
        { type: "home", streetAddress: "9 Elm Rd" },
      ],
      [ENT]: { department: "R&D", employeeNumber: "100", manager: { value: "flt-2", displayName: "Bob" } },
    },
  },
  {
    id: "flt-2",
    created: "2024-06-15T12:00:00.000Z",
    doc: {
      userName: "bob@contoso.com",
      externalId: "ext-1",
      displayName: "Bob Jones",
      name: { givenName: "Bob", familyName: "Jones" },
      active: false,
      emails: [{ value: "Bob@Contoso.COM", type: "Work", primary: true }],
      [ENT]: { department: "Sales" },
    },
  },
  {
    id: "flt-3",
    created: "2025-01-01T00:00:00.000Z",
    doc: { userName: "carol", title: "", active: true },
  },
  {
    id: "flt-4",
    created: "2025-03-01T00:00:00.000Z",
    doc: {
      userName: "Émile@contoso.com",
      externalId: "EXT-4",
      displayName: "Émile Zola",
      active: true,
      emails: [{ value: "emile@other.example", type: "home", display: "Emile Home" }],
      phoneNumbers: [{ value: "+33 1 00", type: "mobile" }],
    },
  },
];
const GROUPS = [
  { id: "flt-g1", displayName: "Flt Engineering", externalId: "G-1", members: ["flt-1", "flt-3"] },
  { id: "flt-g2", displayName: "Flt Sales", externalId: null, members: [] },
];

/** Idempotent, and run before each test so it holds whatever storage isolation the pool applies. */
async function seed() {
  const stmts: D1PreparedStatement[] = [
    db.prepare("DELETE FROM users WHERE id LIKE 'flt-%'"),
    db.prepare("DELETE FROM groups WHERE id LIKE 'flt-%'"),
    db.prepare("DELETE FROM group_members WHERE group_id LIKE 'flt-%'"),
  ];
  for (const u of USERS) {
    const d = u.doc;
    stmts.push(
      db
        .prepare(
          `INSERT INTO users (id, user_name, external_id, display_name, active, source, doc, version, created, last_modified)
           VALUES (?1, ?2, ?3, ?4, ?5, 'scim', ?6, 1, ?7, ?7)`,
        )
        .bind(
          u.id,
          d.userName,
          d.externalId ?? null,
          d.displayName ?? null,
          d.active === false ? 0 : 1,
          JSON.stringify(d),
          u.created,
        ),
    );
  }
  // Written here whether or not a trigger also derives them from the document.
  stmts.push(db.prepare("DELETE FROM user_emails WHERE user_id LIKE 'flt-%'"));
  for (const u of USERS) {
    for (const e of (u.doc.emails ?? []) as { value: string; type?: string; primary?: boolean }[]) {
      stmts.push(
        db
          .prepare("INSERT INTO user_emails (user_id, value, type, is_primary) VALUES (?1, ?2, ?3, ?4)")
          .bind(u.id, e.value, e.type ?? null, e.primary ? 1 : 0),
      );
    }
  }
  for (const g of GROUPS) {
    stmts.push(
      db
        .prepare(
          `INSERT INTO groups (id, display_name, external_id, source, doc, version, created, last_modified)
           VALUES (?1, ?2, ?3, 'scim', ?4, 1, '2024-01-01T00:00:00.000Z', '2024-01-01T00:00:00.000Z')`,
        )
        .bind(g.id, g.displayName, g.externalId, JSON.stringify({ displayName: g.displayName })),
    );
    for (const m of g.members) {
      stmts.push(db.prepare("INSERT INTO group_members (group_id, member_id) VALUES (?1, ?2)").bind(g.id, m));
    }
  }
  await db.batch(stmts);
}

beforeEach(seed);

async function ids(filter: string, target: SqlTarget = USERS_TARGET): Promise<string[]> {
  const { sql, params } = compileFilter(parseFilter(filter), target);
  const [table, alias] = target === USERS_TARGET ? ["users", "u"] : ["groups", "g"];
  const { results } = await db
    .prepare(`SELECT ${alias}.id AS id FROM ${table} ${alias} WHERE ${sql} ORDER BY ${alias}.id`)
    .bind(...params)
    .all<{ id: string }>();
  return results.map((r) => r.id).filter((id) => id.startsWith(PREFIX));
}

/** The same documents as the in-memory matcher sees them: id and meta added. */
function memoryIds(filter: string): string[] {
  const f = parseFilter(filter);
  return USERS.filter((u) =>
    matchesResource(
      f,
      { ...u.doc, id: u.id, meta: { resourceType: "User", created: u.created, lastModified: u.created } },
      USER_RESOURCE,
    ),
  ).map((u) => u.id);
}

const ALL = ["flt-1", "flt-2", "flt-3", "flt-4"];
const n = (...xs: number[]) => xs.map((x) => `flt-${x}`);

/** [filter, expected users]. Each case runs in D1 and through matchesResource, which must agree. */
const USER_CASES: [string, string[]][] = [
  // userName is case-insensitive (RFC 7643 4.1.1), externalId case-exact (RFC 7643 3.1).
  ['userName eq "alice.smith@CONTOSO.com"', n(1)],
  ['userName eq "Émile@CONTOSO.com"', n(4)],
  ['externalId eq "EXT-1"', n(1)],
  ['externalId eq "ext-1"', n(2)],
  ['externalId ne "EXT-1"', n(2, 3, 4)],
  ['id eq "flt-2"', n(2)],
  ['displayName eq "BOB JONES"', n(2)],
  ['displayName co "SMITH"', n(1)],
  ['displayName co ""', n(1, 2, 4)],
  ['userName sw "BOB"', n(2)],
  ["userName sw A", n(1)],
  ['userName ew "@CONTOSO.COM"', n(1, 2, 4)],
  ['userName ew ""', ALL],
  ['userName ew "a.smith@contoso.com.longer.than.the.value"', []],
  ['userName gt "bob@contoso.com"', n(3, 4)],
  ['userName ge "BOB@contoso.com"', n(2, 3, 4)],
  ['userName lt "B"', n(1)],
  ['userName le "carol"', n(1, 2, 3)],
  // Presence: absent, null and "" are all "not present".
  ["title pr", n(1)],
  ["not (title pr)", n(2, 3, 4)],
  ["title eq null", n(2, 3, 4)],
  ["title ne null", n(1)],
  // not/ne keep rows whose attribute is absent.
  ['not (title eq "Engineer")', n(2, 3, 4)],
  ['title ne "Engineer"', n(2, 3, 4)],
  ['not (displayName co "smith")', n(2, 3, 4)],
  ['not (not (title eq "Engineer"))', n(1)],
  // Booleans, including Entra's "True"/"False" strings.
  ["active eq true", n(1, 3, 4)],
  ['active eq "False"', n(2)],
  ["active ne true", n(2)],
  ["active pr", ALL],
  // dateTime compares by instant, whatever the literal's offset or precision.
  ['meta.created gt "2024-06-15T12:00:00Z"', n(3, 4)],
  ["meta.created ge 2024-06-15T05:00:00-07:00", n(2, 3, 4)],
  ["meta.created eq 2024-06-15T14:00:00.0000000+02:00", n(2)],
  ['meta.created lt "2024-06-15T12:00:00.000Z"', n(1)],
  ['meta.created le "2024-06-15T12:00:00.000Z"', n(1, 2)],
  ["meta.Created gt 2015-10-10T14:38:21.8617979-07:00", ALL],
  ['meta.created sw "2025"', n(3, 4)],
  ['meta.resourceType eq "User"', ALL],
  // resourceType is caseExact (RFC 7643 3.1).
  ['meta.resourceType eq "user"', []],
  ['meta.resourceType eq "Group"', []],
  ["meta.resourceType pr", ALL],
  // Sub-attributes and extensions in the document.
  ['name.familyName eq "smith"', n(1)],
  ['name.givenName sw "b" or name.familyName ew "TH"', n(1, 2)],
  ["name pr", n(1, 2)],
  [`${ENT}:department eq "r&d"`, n(1)],
  [`${ENT}:department ne "Sales"`, n(1, 3, 4)],
  [`${ENT}:manager.value eq "flt-2"`, n(1)],
  [`${ENT}:manager.value eq "FLT-2"`, []],
  [`${ENT}:manager pr`, n(1)],
  [`${ENT}:manager[value eq "flt-2"]`, n(1)],
  [`urn:ietf:params:scim:schemas:core:2.0:User:userName eq "carol"`, n(3)],
  // Multi-valued attributes: side table (emails.value/type/primary) and json_each (others).
  ['emails.value eq "BOB@contoso.com"', n(2)],
  ['emails eq "alice@home.example"', n(1)],
  ['emails co "contoso"', n(1, 2)],
  ["emails.Value co .example", n(1, 4)],
  ['emails.value ne "alice@contoso.com"', n(2, 3, 4)],
  ['emails[type eq "work" and value co "@contoso"]', n(1, 2)],
  ['emails[type eq "home" and value co "contoso"]', []],
  ['emails[not (type eq "work")]', n(1, 4)],
  ["emails[primary eq true]", n(1, 2)],
  ['emails[primary eq "True"] and emails[type eq "home"]', n(1)],
  ['emails[display eq "emile home"]', n(4)],
  ['emails[type eq "home" and display pr]', n(4)],
  ['emails.display eq "EMILE HOME"', n(4)],
  ["emails pr", n(1, 2, 4)],
  ["not (emails pr)", n(3)],
  ["emails.value eq null", n(3)],
  ['phoneNumbers[type eq "mobile"]', n(4)],
  ['phoneNumbers.value sw "+1"', n(1)],
  ['not (phoneNumbers[type eq "work"])', n(2, 3, 4)],
  // A sub-attribute after the value filter: Entra's lookup by work email, and the same shape elsewhere.
  ['emails[type eq "work"].value eq "alice@CONTOSO.com"', n(1)],
  ['emails[type eq "work"].value eq "bob@contoso.com"', n(2)],
  ['emails[type eq "home"].value eq "alice@contoso.com"', []],
  ['emails[type eq "work" or type eq "home"].value ew ".example"', n(1, 4)],
  ['emails[type eq "work"].value ne "alice@contoso.com"', n(2)],
  ['not (emails[type eq "work"].value eq "alice@contoso.com")', n(2, 3, 4)],
  ['emails[type eq "home"].display pr', n(4)],
  ['addresses[type eq "work"].streetAddress eq "1 MAIN ST"', n(1)],
  ['addresses[type eq "home"].streetAddress eq "1 Main St"', []],
  ['phoneNumbers[type eq "mobile"].value eq "+33 1 00"', n(4)],
  ['phoneNumbers[type eq "work"].value sw "+33"', []],
  [`${ENT}:manager[value pr].displayName eq "bob"`, n(1)],
  // Logic.
  ['userName eq "x" or (displayName co "jones" and not (active eq true))', n(2)],
  ['(userName sw "a" or userName sw "b") and emails[primary eq true and value ew "contoso.com"]', n(1, 2)],
  // Injection attempts are values like any other.
  [`userName eq "x' OR 1=1 --"`, []],
  [`userName eq "carol" or userName eq "') OR ('1'='1"`, n(3)],
];

describe("compileFilter on D1: users", () => {
  it.each(USER_CASES)("%s", async (filter, expected) => {
    expect(await ids(filter)).toEqual(expected);
  });

  it.each(USER_CASES)("matchesResource agrees: %s", (filter, expected) => {
    expect(memoryIds(filter)).toEqual(expected);
  });

  it("SQLite NOCASE folds ASCII only: É does not match é", async () => {
    expect(await ids('userName eq "émile@contoso.com"')).toEqual([]);
    expect(memoryIds('userName eq "émile@contoso.com"')).toEqual([]);
    expect(await ids('displayName co "émile"')).toEqual([]);
  });

  it("groups.value is read from group_members", async () => {
    expect(await ids('groups.value eq "flt-g1"')).toEqual(n(1, 3));
    expect(await ids('groups[value eq "flt-g1"] and not (emails pr)')).toEqual(n(3));
  });
});

describe("compileFilter on D1: groups", () => {
  it.each<[string, string[]]>([
    ['members[value eq "flt-3"]', ["flt-g1"]],
    ['members[value eq "FLT-3"]', []],
    ['members.value eq "flt-1"', ["flt-g1"]],
    ['displayName eq "flt engineering"', ["flt-g1"]],
    ['externalId eq "G-1"', ["flt-g1"]],
    ['externalId ne "G-1"', ["flt-g2"]],
    ["members pr", ["flt-g1"]],
    ["not (members pr)", ["flt-g2"]],
    ['meta.resourceType eq "Group"', ["flt-g1", "flt-g2"]],
  ])("%s", async (filter, expected) => {
    expect(await ids(filter, GROUPS_TARGET)).toEqual(expected);
  });
});

describe("compileFilter: parameters", () => {
  it("binds every value, numbered, each distinct value once", () => {
    const { sql, params } = compileFilter(
      parseFilter('userName eq "a" or displayName eq "a" or emails[value eq "b" and primary eq true]'),
      USERS_TARGET,
    );
    expect(params).toEqual(["a", "b", 1]);
    expect(sql).toContain("u.user_name = ?1 COLLATE NOCASE");
    expect(sql).toContain("u.display_name = ?1 COLLATE NOCASE");
    expect(sql).not.toMatch(/'a'|'b'/);
  });

  it("numbers from a given first parameter", () => {
    const { sql, params } = compileFilter(parseFilter('externalId eq "x"'), USERS_TARGET, 3);
    expect(sql).toBe("u.external_id = ?3 COLLATE BINARY");
    expect(params).toEqual(["x"]);
  });

  it("never uses LIKE (D1 limits LIKE patterns to 50 bytes)", async () => {
    const long = "x".repeat(60);
    const { sql } = compileFilter(
      parseFilter(`userName co "${long}" or userName sw "${long}" or userName ew "${long}"`),
      USERS_TARGET,
    );
    expect(sql).not.toMatch(/LIKE/i);
    expect(await ids(`userName co "${long}"`)).toEqual([]);
  });

  it(`runs with ${MAX_FILTER_PARAMS} values plus paging, refuses ${MAX_FILTER_PARAMS + 1}`, async () => {
    expect(MAX_FILTER_PARAMS).toBe(D1_MAX_BOUND_PARAMS - 10);
    const filter = (count: number) =>
      Array.from({ length: count }, (_, i) => (i === 0 ? 'userName eq "carol"' : `userName eq "v${i}"`)).join(" or ");
    const { sql, params } = compileFilter(parseFilter(filter(MAX_FILTER_PARAMS)), USERS_TARGET);
    expect(params).toHaveLength(MAX_FILTER_PARAMS);
    const k = params.length;
    const { results } = await db
      .prepare(`SELECT u.id FROM users u WHERE ${sql} AND u.id LIKE 'flt-%' LIMIT ?${k + 1} OFFSET ?${k + 2}`)
      .bind(...params, 10, 0)
      .all<{ id: string }>();
    expect(results.map((r) => r.id)).toEqual(["flt-3"]);

    const e = scimError(() => compileFilter(parseFilter(filter(MAX_FILTER_PARAMS + 1)), USERS_TARGET));
    expect(e.scimType).toBe("invalidFilter");
    expect(e.detail).toMatch(/too complex/i);
  });

  it(`refuses more than ${MAX_FILTER_TERMS} comparisons even without parameters`, () => {
    const filter = (count: number) => Array(count).fill("title pr").join(" and ");
    expect(() => compileFilter(parseFilter(filter(MAX_FILTER_TERMS)), USERS_TARGET)).not.toThrow();
    expect(scimError(() => compileFilter(parseFilter(filter(MAX_FILTER_TERMS + 1)), USERS_TARGET)).detail).toMatch(
      /too complex/i,
    );
  });
});

describe("compileFilter: invalid filters", () => {
  it.each<[string, string]>([
    ['foo eq "x"', '"foo"'],
    ['name.nickname eq "x"', "name.nickname"],
    [`urn:example:Unknown:department eq "x"`, "urn:example:Unknown:department"],
    ['emails[foo eq "x"]', '"foo"'],
    ['emails.foo eq "x"', "emails.foo"],
    ['name eq "x"', "complex"],
    ['title[value eq "x"]', "not a complex attribute"],
    ["active gt true", "boolean"],
    ['active co "t"', "boolean"],
    ['active eq "yes"', "boolean"],
    ['emails[primary eq "maybe"]', "boolean"],
    ['meta.created gt "yesterday"', "dateTime"],
    ["meta.created gt 12", "dateTime"],
    ['meta.location eq "x"', "meta.location"],
    ["title gt null", "null"],
    ["emails.value co null", "null"],
  ])("%s", (filter, expected) => {
    const e = scimError(() => compileFilter(parseFilter(filter), USERS_TARGET));
    expect(e.scimType).toBe("invalidFilter");
    expect(e.detail).toContain(expected);
  });

  it("without a document column only columns can be filtered", () => {
    const noDoc: SqlTarget = { ...USERS_TARGET, doc: null };
    expect(compileFilter(parseFilter('userName eq "a"'), noDoc).sql).toBe("u.user_name = ?1 COLLATE NOCASE");
    expect(compileFilter(parseFilter('emails.value eq "a"'), noDoc).sql).toContain("user_emails");
    expect(scimError(() => compileFilter(parseFilter('title eq "a"'), noDoc)).scimType).toBe("invalidFilter");
    expect(scimError(() => compileFilter(parseFilter('emails.display eq "a"'), noDoc)).scimType).toBe("invalidFilter");
  });
});

describe("query plans", () => {
  async function plan(filter: string, target: SqlTarget = USERS_TARGET): Promise<string[]> {
    const { sql, params } = compileFilter(parseFilter(filter), target);
    const [table, alias] = target === USERS_TARGET ? ["users", "u"] : ["groups", "g"];
    const { results } = await db
      .prepare(`EXPLAIN QUERY PLAN SELECT ${alias}.id FROM ${table} ${alias} WHERE ${sql}`)
      .bind(...params)
      .all<{ detail: string }>();
    return results.map((r) => r.detail);
  }

  it.each<[string, RegExp, SqlTarget?]>([
    ['userName eq "a@b.c"', /SEARCH u USING (COVERING )?INDEX users_user_name/],
    ['externalId eq "x"', /SEARCH u USING (COVERING )?INDEX users_external_id/],
    ['emails.value eq "a@b.c"', /SEARCH s USING (COVERING )?INDEX user_emails_value/],
    ['emails[value eq "a@b.c" and type eq "work"]', /SEARCH s USING (COVERING )?INDEX user_emails_value/],
    ['emails[type eq "work"].value eq "a@b.c"', /SEARCH s USING (COVERING )?INDEX user_emails_value/],
    ['id eq "x"', /SEARCH u USING (COVERING )?INDEX sqlite_autoindex_users_1/],
    ['displayName eq "x"', /SEARCH g USING (COVERING )?INDEX groups_display_name/, GROUPS_TARGET],
    ['members[value eq "x"]', /SEARCH s USING (COVERING )?INDEX group_members_member/, GROUPS_TARGET],
  ])("%s uses an index", async (filter, index, target) => {
    const details = await plan(filter, target);
    expect(
      details.some((d) => index.test(d)),
      details.join("\n"),
    ).toBe(true);
    expect(details.filter((d) => /^SCAN (u|g|users|groups)\b/.test(d))).toEqual([]);
  });

  it("a substring match scans (and the plan check can tell)", async () => {
    expect(await plan('userName co "a"')).toContainEqual(expect.stringMatching(/^SCAN u\b/));
  });
});

describe("compileSortBy", () => {
  async function sorted(sortBy: string, dir = "ASC"): Promise<string[]> {
    const { results } = await db
      .prepare(
        `SELECT u.id FROM users u WHERE u.id LIKE 'flt-%' ORDER BY ${compileSortBy(sortBy, USERS_TARGET)} ${dir}, u.id`,
      )
      .all<{ id: string }>();
    return results.map((r) => r.id);
  }

  it("uses the attribute's collation", async () => {
    expect(compileSortBy("userName", USERS_TARGET)).toBe("u.user_name COLLATE NOCASE");
    expect(compileSortBy("externalId", USERS_TARGET)).toBe("u.external_id COLLATE BINARY");
    expect(await sorted("userName")).toEqual(n(1, 2, 3, 4));
    // BINARY: "EXT-1" < "EXT-4" < "ext-1"; NULL first.
    expect(await sorted("externalId")).toEqual(n(3, 1, 4, 2));
    expect(await sorted("meta.created", "DESC")).toEqual(n(4, 3, 2, 1));
  });

  it("document attributes, extensions and multi-valued primaries", async () => {
    expect(await sorted("name.familyName")).toEqual(n(3, 4, 2, 1));
    expect(await sorted(`${ENT}:department`, "DESC")).toEqual(n(2, 1, 3, 4));
    // Primary email first: alice@contoso.com, Bob@Contoso.COM, emile@other.example; carol has none.
    expect(await sorted("emails")).toEqual(n(3, 1, 2, 4));
    // "work" and "Work" tie under NOCASE; the id breaks the tie.
    expect(await sorted("emails.type", "DESC")).toEqual(n(1, 2, 4, 3));
    expect(await sorted("phoneNumbers.value")).toEqual(n(2, 3, 1, 4));
  });

  it.each(["foo", "name", "emails[type eq work]", "name.x.y", `${ENT}:manager`])("%s -> invalidValue", (sortBy) => {
    expect(scimError(() => compileSortBy(sortBy, USERS_TARGET)).scimType).toBe("invalidValue");
  });
});
