import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { openCursor, importCursorKey, queryFingerprint, signCursor } from "../../src/scim/cursor";
import { GROUPS_KEYSET, GROUPS_TARGET } from "../../src/groups/sql-target";
import { USERS_KEYSET, USERS_TARGET } from "../../src/users/sql-target";
import { parseListQuery } from "../../src/scim/list";
import { cursorPage, keysetColumn } from "../../src/scim/page";
import { listGroups } from "../../src/groups/repo";
import { listUsersResult, listUsersStatement } from "../../src/users/repo";
import { scimError } from "./helpers";

const db = (env as unknown as { TENANT_ACME: D1Database }).TENANT_ACME;

/** The keyset page's rows statement, as the repositories build it, under EXPLAIN QUERY PLAN. */
async function plan(
  resource: "users" | "groups",
  query: Record<string, unknown>,
  key: string | null,
): Promise<string[]> {
  const [target, keyset, alias] =
    resource === "users" ? [USERS_TARGET, USERS_KEYSET, "u"] : [GROUPS_TARGET, GROUPS_KEYSET, "g"];
  const q = parseListQuery({ ...query, cursor: "x" });
  const page = cursorPage(q, target, keysetColumn(q, target, keyset), { key, id: "some-id" });
  const after = page.after!;
  const n = page.where.params.length + after.params.length;
  const { results } = await db
    .prepare(
      `EXPLAIN QUERY PLAN SELECT ${alias}.id FROM ${resource} ${alias} WHERE (${page.where.sql}) AND ${after.sql}
       ORDER BY ${page.orderBy} LIMIT ?${n + 1}`,
    )
    .bind(...page.where.params, ...after.params, 101)
    .all<{ detail: string }>();
  return results.map((r) => r.detail);
}

describe("keyset pages walk an index for every cursor sort key (page 1,000 costs what page 1 costs)", () => {
  it.each<[string, "users" | "groups", Record<string, unknown>, string | null, RegExp]>([
    ["Users, creation order", "users", {}, "2025-01-01T00:00:00.000Z", /INDEX users_created_id/],
    [
      "Users, meta.created descending",
      "users",
      { sortBy: "meta.created", sortOrder: "descending" },
      "2025-01-01T00:00:00.000Z",
      /INDEX users_created_id/,
    ],
    [
      "Users, meta.lastModified",
      "users",
      { sortBy: "meta.lastModified" },
      "2025-01-01T00:00:00.000Z",
      /INDEX users_last_modified_id/,
    ],
    ["Users, userName", "users", { sortBy: "userName" }, "m@x", /INDEX users_user_name/],
    [
      "Users, userName descending",
      "users",
      { sortBy: "userName", sortOrder: "descending" },
      "m@x",
      /INDEX users_user_name/,
    ],
    ["Users, displayName", "users", { sortBy: "displayName" }, "M", /INDEX users_display_name_id/],
    [
      "Users, displayName descending, after a user without one",
      "users",
      { sortBy: "displayName", sortOrder: "descending" },
      null,
      /INDEX users_display_name_id/,
    ],
    ["Groups, creation order", "groups", {}, "2025-01-01T00:00:00.000Z", /INDEX groups_created_id/],
    ["Groups, displayName", "groups", { sortBy: "displayName" }, "M", /INDEX groups_display_name/],
    [
      "Groups, meta.lastModified descending",
      "groups",
      { sortBy: "meta.lastModified", sortOrder: "descending" },
      "2025",
      /INDEX groups_last_modified_id/,
    ],
  ])("%s", async (_name, resource, query, key, index) => {
    const details = await plan(resource, query, key);
    // A seek into the index at the cursor's position, no scan from the start, no sort.
    expect(
      details.some((d) => /^SEARCH (u|g) USING/.test(d) && index.test(d)),
      details.join("\n"),
    ).toBe(true);
    expect(
      details.filter((d) => /^SCAN|TEMP B-TREE/.test(d)),
      details.join("\n"),
    ).toEqual([]);
  });
});

it("ascending by displayName after a user without one, the walk starts at the index's NULLs", async () => {
  // SQLite sorts NULL first, and `(NULL region after the id) OR (every non-NULL)` is not one range:
  // the page reads the index from its start, past the users without a displayName before the
  // cursor, then stops at the page's end (cost grows with those users only, not with the tenant).
  const details = await plan("users", { sortBy: "displayName" }, null);
  expect(details).toEqual(["SCAN u USING COVERING INDEX users_display_name_id"]);
});

describe("keyset pages with a filter at its depth limit still run", () => {
  it("the deepest accepted filter plus the keyset condition", async () => {
    const filter = "not (".repeat(22) + 'userName eq "a"' + ")".repeat(22);
    for (const sortBy of [undefined, "displayName"]) {
      const q = parseListQuery({ filter, sortBy, cursor: "x", count: 5 });
      const page = cursorPage(q, USERS_TARGET, keysetColumn(q, USERS_TARGET, USERS_KEYSET), { key: null, id: "x" });
      await expect(listUsersResult(db, page, await listUsersStatement(db, page).all())).resolves.toBeDefined();
      const g = parseListQuery({ filter: filter.replace("userName", "displayName"), cursor: "x" });
      await expect(
        listGroups(
          db,
          cursorPage(g, GROUPS_TARGET, keysetColumn(g, GROUPS_TARGET, GROUPS_KEYSET), { key: "a", id: "x" }),
        ),
      ).resolves.toBeDefined();
    }
  });
});

describe("cursor tokens", () => {
  const scope = { tenant: "acme", resource: "User" as const, query: "q" };
  it("round-trip, and refuse another key, scope or an expired time", async () => {
    const key = await importCursorKey(crypto.getRandomValues(new Uint8Array(32)));
    const other = await importCursorKey(crypto.getRandomValues(new Uint8Array(32)));
    const c = await signCursor(key, scope, { key: "ann@x", id: "1" }, 1_000_000);
    expect(await openCursor(key, c, scope, 1_000_000)).toEqual({ key: "ann@x", id: "1" });
    const fails = async (p: Promise<unknown>) => {
      try {
        await p;
      } catch (e) {
        return (e as { scimType: string }).scimType;
      }
      return "ok";
    };
    expect(await fails(openCursor(other, c, scope, 1_000_000))).toBe("invalidCursor");
    expect(await fails(openCursor(key, c, { ...scope, tenant: "globex" }, 1_000_000))).toBe("invalidCursor");
    expect(await fails(openCursor(key, c, { ...scope, resource: "Group" }, 1_000_000))).toBe("invalidCursor");
    expect(await fails(openCursor(key, c, { ...scope, query: "other" }, 1_000_000))).toBe("invalidCursor");
    expect(await fails(openCursor(key, c, scope, 1_000_000 + 3601_000))).toBe("expiredCursor");
    expect(await fails(openCursor(key, c, scope, 1_000_000 + 3599_000))).toBe("ok");
  });

  it("the fingerprint covers filter, sort and projection, not count", async () => {
    const base = parseListQuery({ filter: "a pr", sortBy: "userName", attributes: "userName" });
    const fp = await queryFingerprint(base);
    expect(
      await queryFingerprint(parseListQuery({ filter: "a pr", sortBy: "userName", attributes: "userName", count: 7 })),
    ).toBe(fp);
    for (const change of [
      { filter: "b pr" },
      { sortBy: "displayName" },
      { sortOrder: "descending" },
      { attributes: "id" },
      { excludedAttributes: "emails" },
    ]) {
      expect(await queryFingerprint({ ...base, ...change })).not.toBe(fp);
    }
  });

  it("keysetColumn refuses sort keys without an index", () => {
    const q = parseListQuery({ sortBy: "title", cursor: "" });
    expect(scimError(() => keysetColumn(q, USERS_TARGET, USERS_KEYSET)).scimType).toBe("invalidValue");
  });
});
