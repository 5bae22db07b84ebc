import { describe, expect, it } from "vitest";
import type { AttrRef, CompareOp, Filter, Literal } from "../../src/scim/filter/ast";
import { MAX_FILTER_DEPTH, MAX_FILTER_LENGTH, parseFilter, parsePatchPath } from "../../src/scim/filter/parser";
import { scimError } from "./helpers";

const ENT = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";

const ref = (path: string, uri?: string): AttrRef =>
  uri ? { uri, names: path.split(".") } : { names: path.split(".") };
const cmp = (path: string, op: CompareOp, value: Literal, uri?: string): Filter => ({
  kind: "compare",
  attr: ref(path, uri),
  op,
  value,
});
const pr = (path: string): Filter => ({ kind: "present", attr: ref(path) });
const and = (left: Filter, right: Filter): Filter => ({ kind: "and", left, right });
const or = (left: Filter, right: Filter): Filter => ({ kind: "or", left, right });
const not = (filter: Filter): Filter => ({ kind: "not", filter });
const vp = (path: string, filter: Filter): Filter => ({ kind: "valuePath", attr: ref(path), filter });

describe("parseFilter: operators", () => {
  it.each(["eq", "ne", "co", "sw", "ew", "gt", "ge", "lt", "le"] as CompareOp[])("%s", (op) => {
    expect(parseFilter(`title ${op} "x"`)).toEqual(cmp("title", op, "x"));
  });

  it("pr", () => {
    expect(parseFilter("title pr")).toEqual(pr("title"));
  });

  it("operators and keywords are case-insensitive", () => {
    expect(parseFilter('userName EQ "a" AND title Pr OR NOT (title Co "b")')).toEqual(
      or(and(cmp("userName", "eq", "a"), pr("title")), not(cmp("title", "co", "b"))),
    );
  });

  it("attribute names keep the case they were written in", () => {
    expect(parseFilter('USERNAME eq "a"')).toEqual(cmp("USERNAME", "eq", "a"));
  });
});

describe("parseFilter: precedence and nesting", () => {
  it("and binds tighter than or", () => {
    expect(parseFilter("a eq 1 or b eq 2 and c eq 3")).toEqual(
      or(cmp("a", "eq", 1), and(cmp("b", "eq", 2), cmp("c", "eq", 3))),
    );
    expect(parseFilter("a eq 1 and b eq 2 or c eq 3")).toEqual(
      or(and(cmp("a", "eq", 1), cmp("b", "eq", 2)), cmp("c", "eq", 3)),
    );
  });

  it("not binds tighter than and", () => {
    expect(parseFilter("not (a pr) and b pr")).toEqual(and(not(pr("a")), pr("b")));
  });

  it("and/or chains are left-associative", () => {
    expect(parseFilter("a pr or b pr or c pr")).toEqual(or(or(pr("a"), pr("b")), pr("c")));
  });

  it("parentheses override precedence", () => {
    expect(parseFilter("(a eq 1 or b eq 2) and c eq 3")).toEqual(
      and(or(cmp("a", "eq", 1), cmp("b", "eq", 2)), cmp("c", "eq", 3)),
    );
  });

  it("redundant parentheses and not not", () => {
    expect(parseFilter("((((a pr))))")).toEqual(pr("a"));
    expect(parseFilter("not (not (a pr))")).toEqual(not(not(pr("a"))));
  });

  it("the RFC 7644 examples", () => {
    expect(
      parseFilter('userType eq "Employee" and (emails co "example.com" or emails.value co "example.org")'),
    ).toEqual(
      and(
        cmp("userType", "eq", "Employee"),
        or(cmp("emails", "co", "example.com"), cmp("emails.value", "co", "example.org")),
      ),
    );
    expect(
      parseFilter('userType ne "Employee" and not (emails co "example.com" or emails.value co "example.org")'),
    ).toEqual(
      and(
        cmp("userType", "ne", "Employee"),
        not(or(cmp("emails", "co", "example.com"), cmp("emails.value", "co", "example.org"))),
      ),
    );
    expect(parseFilter('userType eq "Employee" and emails[type eq "work" and value co "@example.com"]')).toEqual(
      and(
        cmp("userType", "eq", "Employee"),
        vp("emails", and(cmp("type", "eq", "work"), cmp("value", "co", "@example.com"))),
      ),
    );
  });

  it(`accepts ${MAX_FILTER_DEPTH} levels and refuses one more`, () => {
    const nested = (n: number) => "(".repeat(n) + "a pr" + ")".repeat(n);
    expect(parseFilter(nested(MAX_FILTER_DEPTH))).toEqual(pr("a"));
    const e = scimError(() => parseFilter(nested(MAX_FILTER_DEPTH + 1)));
    expect(e.scimType).toBe("invalidFilter");
    expect(e.detail).toContain(`deeper than ${MAX_FILTER_DEPTH}`);
    expect(scimError(() => parseFilter("not ".repeat(MAX_FILTER_DEPTH + 1) + "a pr")).scimType).toBe("invalidFilter");
  });

  it(`refuses filters longer than ${MAX_FILTER_LENGTH} characters`, () => {
    const long = `title eq "${"x".repeat(MAX_FILTER_LENGTH)}"`;
    const e = scimError(() => parseFilter(long));
    expect(e.scimType).toBe("invalidFilter");
    expect(e.detail).toContain(String(MAX_FILTER_LENGTH));
  });
});

describe("parseFilter: value paths", () => {
  it("a sub-attribute after the value filter (Entra's work-email lookup) is an element filter", () => {
    expect(parseFilter('emails[type eq "work"].value eq "ann@contoso.com"')).toEqual(
      vp("emails", and(cmp("type", "eq", "work"), cmp("value", "eq", "ann@contoso.com"))),
    );
    expect(parseFilter('addresses[type eq "work"].streetAddress co "Main"')).toEqual(
      vp("addresses", and(cmp("type", "eq", "work"), cmp("streetAddress", "co", "Main"))),
    );
    expect(parseFilter('phoneNumbers[type eq "mobile" or primary eq true].value pr and title pr')).toEqual(
      and(
        vp("phoneNumbers", and(or(cmp("type", "eq", "mobile"), cmp("primary", "eq", true)), pr("value"))),
        pr("title"),
      ),
    );
    expect(parseFilter('not (emails[type eq "work"].value ne "a")')).toEqual(
      not(vp("emails", and(cmp("type", "eq", "work"), cmp("value", "ne", "a")))),
    );
  });

  it.each<[string, string]>([
    ['emails[type eq "work"].value', "an operator"],
    ['emails[type eq "work"].value eq', "a value"],
    ['emails[type eq "work"]. eq "a"', "a sub-attribute name"],
    ['emails[type eq "work"].value.x eq "a"', "a sub-attribute name"],
    ['emails[type eq "work"].value[type eq "x"]', "an operator"],
    ['emails[type eq "work"] eq "a"', '"and", "or"'],
  ])("refuses %s", (filter, expected) => {
    const e = scimError(() => parseFilter(filter));
    expect(e.scimType).toBe("invalidFilter");
    expect(e.detail).toContain(expected);
  });

  it("with and inside", () => {
    expect(parseFilter('emails[type eq "work" and value co "@contoso"]')).toEqual(
      vp("emails", and(cmp("type", "eq", "work"), cmp("value", "co", "@contoso"))),
    );
  });

  it("with not inside", () => {
    expect(parseFilter('emails[not (type eq "work")]')).toEqual(vp("emails", not(cmp("type", "eq", "work"))));
  });

  it("combined with other terms", () => {
    expect(parseFilter('not (emails[primary eq true]) or addresses[type eq "home"] and title pr')).toEqual(
      or(not(vp("emails", cmp("primary", "eq", true))), and(vp("addresses", cmp("type", "eq", "home")), pr("title"))),
    );
  });

  it("on an extension attribute", () => {
    expect(parseFilter(`${ENT}:manager[value eq "x"]`)).toEqual({
      kind: "valuePath",
      attr: { uri: ENT, names: ["manager"] },
      filter: cmp("value", "eq", "x"),
    });
  });
});

describe("parseFilter: attribute paths", () => {
  it("sub-attributes", () => {
    expect(parseFilter('name.familyName eq "Smith"')).toEqual(cmp("name.familyName", "eq", "Smith"));
  });

  it("extension URN: everything up to the last colon, dots in 2.0 included", () => {
    expect(parseFilter(`${ENT}:department eq "R&D"`)).toEqual(cmp("department", "eq", "R&D", ENT));
    expect(parseFilter(`${ENT}:manager.value eq "m1"`)).toEqual(cmp("manager.value", "eq", "m1", ENT));
  });

  it("core schema URN", () => {
    expect(parseFilter('urn:ietf:params:scim:schemas:core:2.0:User:userName eq "a"')).toEqual(
      cmp("userName", "eq", "a", "urn:ietf:params:scim:schemas:core:2.0:User"),
    );
  });

  it("$ref", () => {
    expect(parseFilter('members[$ref eq "x"]')).toEqual(vp("members", cmp("$ref", "eq", "x")));
  });
});

describe("parseFilter: values", () => {
  it("JSON string escapes", () => {
    expect(parseFilter(String.raw`displayName eq "a \"b\" \\ \/ \t \u00e9\u263A"`)).toEqual(
      cmp("displayName", "eq", 'a "b" \\ / \t é☺'),
    );
  });

  it("strings may contain operators, brackets and parentheses", () => {
    expect(parseFilter('title eq "x and (y) [z] or not"')).toEqual(cmp("title", "eq", "x and (y) [z] or not"));
  });

  it("numbers, booleans and null", () => {
    expect(parseFilter("a eq 42")).toEqual(cmp("a", "eq", 42));
    expect(parseFilter("a gt -1.5")).toEqual(cmp("a", "gt", -1.5));
    expect(parseFilter("a gt -1.5e3")).toEqual(cmp("a", "gt", "-1.5e3"));
    expect(parseFilter("externalId eq 1.50")).toEqual(cmp("externalId", "eq", "1.50"));
    expect(parseFilter("a eq true")).toEqual(cmp("a", "eq", true));
    expect(parseFilter("a eq False")).toEqual(cmp("a", "eq", false));
    expect(parseFilter("a eq null")).toEqual(cmp("a", "eq", null));
  });

  it("the empty string", () => {
    expect(parseFilter('a eq ""')).toEqual(cmp("a", "eq", ""));
  });

  it("no whitespace needed around quotes and parentheses", () => {
    expect(parseFilter('(userName eq"a")and(title pr)')).toEqual(and(cmp("userName", "eq", "a"), pr("title")));
  });

  it("surrounding and repeated whitespace", () => {
    expect(parseFilter('  userName   eq\t"a"  ')).toEqual(cmp("userName", "eq", "a"));
  });
});

describe("parseFilter: what real clients send", () => {
  it.each<[string, Filter]>([
    // Microsoft Entra ID provisioning.
    ['userName eq "AlexW@contoso.com"', cmp("userName", "eq", "AlexW@contoso.com")],
    ['externalId eq "8a1f"', cmp("externalId", "eq", "8a1f")],
    ['displayName eq "Sales Team"', cmp("displayName", "eq", "Sales Team")],
    [
      'members[value eq "2819c223-7f76-453a-919d-413861904646"]',
      vp("members", cmp("value", "eq", "2819c223-7f76-453a-919d-413861904646")),
    ],
    // Microsoft's SCIM Postman suite: bare unquoted values.
    ["userName sw O", cmp("userName", "sw", "O")],
    ["emails.Value co example.com", cmp("emails.Value", "co", "example.com")],
    [
      "meta.Created gt 2015-10-10T14:38:21.8617979-07:00",
      cmp("meta.Created", "gt", "2015-10-10T14:38:21.8617979-07:00"),
    ],
    ["externalId eq 00123", cmp("externalId", "eq", "00123")],
    ["userName eq O'Brien", cmp("userName", "eq", "O'Brien")],
    ["userName eq and", cmp("userName", "eq", "and")],
  ])("%s", (text, expected) => {
    expect(parseFilter(text)).toEqual(expected);
  });
});

describe("parseFilter: malformed", () => {
  it.each<[string, string]>([
    ["", "empty"],
    ["   ", "empty"],
    ["userName", "end of the input"],
    ["userName eq", "a value"],
    ['userName xx "a"', "an operator"],
    ['userName eq "a" and', "an attribute name"],
    ['userName eq "a" or', "an attribute name"],
    ['userName eq "a" userName eq "b"', '"and", "or"'],
    ['(userName eq "a"', '")"'],
    ['userName eq "a")', '"and", "or"'],
    ['emails[type eq "work"', '"]"'],
    ['emails type eq "work"]', "an operator"],
    ['emails[type eq "work"]]', '"and", "or"'],
    ['emails[value[type eq "x"]]', "nested"],
    ['userName eq "unterminated', "Unterminated"],
    [String.raw`userName eq "bad \x escape"`, "JSON string"],
    ['userName eq "a\tb"'.replace("\\t", "\t"), "JSON string"],
    ['1abc eq "a"', "an attribute name"],
    ['name.familyName.x eq "a"', "an attribute name"],
    ['name..x eq "a"', "an attribute name"],
    ['urn:x: eq "a"', "an attribute name"],
    ['user%name eq "a"', "an attribute name"],
    ['"userName" eq "a"', "an attribute name"],
    ['eq "a"', "an operator"],
    ['userName eq ("a")', "a value"],
    ["not", "an attribute name"],
    ["()", "an attribute name"],
    ["[a pr]", "an attribute name"],
    ['userName eq "a" and or title pr', "an attribute name"],
    ["title pr pr", '"and", "or"'],
  ])("%j", (text, expected) => {
    const e = scimError(() => parseFilter(text));
    expect(e.scimType).toBe("invalidFilter");
    expect(e.status).toBe(400);
    expect(e.detail).toContain(expected);
  });

  it("names the position", () => {
    expect(scimError(() => parseFilter('userName eq "a" xx title pr')).detail).toBe(
      'Filter position 17: expected "and", "or" or the end of the input, found "xx".',
    );
  });
});

describe("parsePatchPath", () => {
  it.each<[string, unknown]>([
    ["name.givenName", { attr: ref("name.givenName") }],
    ["members", { attr: ref("members") }],
    ['members[value eq "abc"]', { attr: ref("members"), filter: cmp("value", "eq", "abc") }],
    ['emails[type eq "work"].value', { attr: ref("emails"), filter: cmp("type", "eq", "work"), sub: "value" }],
    [
      'emails[type eq "work" and not (primary eq false)].display',
      { attr: ref("emails"), filter: and(cmp("type", "eq", "work"), not(cmp("primary", "eq", false))), sub: "display" },
    ],
    [`${ENT}:manager`, { attr: { uri: ENT, names: ["manager"] } }],
    [`${ENT}:manager.value`, { attr: { uri: ENT, names: ["manager", "value"] } }],
    [
      "addresses[type eq work].streetAddress",
      { attr: ref("addresses"), filter: cmp("type", "eq", "work"), sub: "streetAddress" },
    ],
  ])("%s", (text, expected) => {
    expect(parsePatchPath(text)).toEqual(expected);
  });

  it.each([
    "",
    "emails[",
    'emails[type eq "work"',
    'emails[type eq "work"].',
    'emails[type eq "work"]value',
    'emails[type eq "work"].value.x',
    'emails[type eq "work"][value eq "x"]',
    "name.givenName.x",
    "emails value",
    '"emails"',
    'emails[type xx "work"]',
    "emails]",
  ])("%j -> invalidPath", (text) => {
    expect(scimError(() => parsePatchPath(text)).scimType).toBe("invalidPath");
  });
});
