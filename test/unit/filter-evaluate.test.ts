import { describe, expect, it } from "vitest";
import { matchesItem, matchesResource } from "../../src/scim/filter/evaluate";
import { parseFilter, parsePatchPath } from "../../src/scim/filter/parser";
import { type ResolvedAttr, resolveAttr } from "../../src/scim/resolve";
import { attr } from "../../src/scim/schema/define";
import { GROUP_RESOURCE, USER_RESOURCE } from "../../src/scim/schema/resources";
import { scimError } from "./helpers";

const ENT = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";

function resolved(resource = USER_RESOURCE, path: string): ResolvedAttr {
  const r = resolveAttr(resource, { names: path.split(".") });
  if (!r) throw new Error(`no ${path}`);
  return r;
}
const EMAILS = resolved(USER_RESOURCE, "emails");
const MEMBERS = resolved(GROUP_RESOURCE, "members");
const META = resolved(USER_RESOURCE, "meta");
/** A made-up attribute with number and dateTime sub-attributes, which the SCIM core schemas lack. */
const SCORES: ResolvedAttr = {
  top: attr("scores", "complex", "", {
    multiValued: true,
    subAttributes: [attr("value", "integer", ""), attr("at", "dateTime", "")],
  }),
  docPath: ["scores"],
  key: "scores",
};

const item = (filter: string, value: unknown, parent = EMAILS) => matchesItem(parseFilter(filter), value, parent);

describe("matchesItem: strings", () => {
  const work = { value: "Alice@Contoso.com", type: "Work", primary: true };

  it.each<[string, boolean]>([
    ['type eq "work"', true],
    ['type eq "home"', false],
    ['type ne "work"', false],
    ['type ne "home"', true],
    ['value co "CONTOSO"', true],
    ['value co "fabrikam"', false],
    ['value sw "alice@"', true],
    ['value sw "contoso"', false],
    ['value ew ".COM"', true],
    ['value ew "alice"', false],
    ['value gt "alice@a"', true],
    ['value ge "ALICE@CONTOSO.COM"', true],
    ['value lt "alice@contoso.com"', false],
    ['value le "ALICE@CONTOSO.COM"', true],
    ["type pr", true],
    ["display pr", false],
    ["display eq null", true],
    ["type ne null", true],
    ['type eq "work" and value co "@contoso"', true],
    ['type eq "home" or value co "@contoso"', true],
    ['not (type eq "work")', false],
  ])("%s", (filter, expected) => {
    expect(item(filter, work)).toBe(expected);
  });

  it("absent sub-attributes: not/ne match, comparisons do not", () => {
    expect(item('type eq "work"', { value: "a" })).toBe(false);
    expect(item('not (type eq "work")', { value: "a" })).toBe(true);
    expect(item('type ne "work"', { value: "a" })).toBe(true);
    expect(item('type gt "a"', { value: "a" })).toBe(false);
    expect(item('type eq ""', { type: "" })).toBe(true);
    expect(item("type pr", { type: "" })).toBe(false);
  });

  it("honours caseExact per sub-attribute", () => {
    expect(item('value eq "abc-123"', { value: "abc-123" }, MEMBERS)).toBe(true);
    expect(item('value eq "ABC-123"', { value: "abc-123" }, MEMBERS)).toBe(false);
    expect(item('value co "BC"', { value: "abc-123" }, MEMBERS)).toBe(false);
    expect(item('display eq "ALICE"', { value: "x", display: "alice" }, MEMBERS)).toBe(true);
    expect(item('$ref ew "/Users/abc"', { $ref: "https://x/scim/Users/abc" }, MEMBERS)).toBe(true);
  });

  it("folds ASCII only, like SQLite NOCASE", () => {
    expect(item('value eq "EMILE@X"', { value: "emile@x" })).toBe(true);
    expect(item('value eq "ÉMILE@X"', { value: "émile@x" })).toBe(false);
  });

  it("finds request keys whatever their case", () => {
    expect(item('value eq "x@y"', { Value: "x@y", TYPE: "work" })).toBe(true);
    expect(item('TYPE eq "work"', { type: "work" })).toBe(true);
  });

  it("bare words and numbers are compared as strings on string attributes", () => {
    expect(item("value eq 12345", { value: "12345" })).toBe(true);
    expect(item("type eq work", { type: "WORK" })).toBe(true);
  });

  it("elements that are not objects match nothing", () => {
    expect(item('value eq "x"', "x")).toBe(false);
    expect(item('value eq "x"', null)).toBe(false);
    expect(item('not (value eq "x")', undefined)).toBe(true);
  });
});

describe("matchesItem: booleans", () => {
  it.each<[string, unknown, boolean]>([
    ["primary eq true", true, true],
    ["primary eq true", "True", true],
    ["primary eq true", "TRUE", true],
    ["primary eq false", "False", true],
    ['primary eq "true"', true, true],
    ['primary eq "False"', false, true],
    ["primary eq true", false, false],
    ["primary eq true", "yes", false],
    ["primary eq true", undefined, false],
    ["primary ne true", undefined, true],
    ["primary ne true", false, true],
    ["primary pr", false, true],
  ])("%s with %j -> %s", (filter, primary, expected) => {
    expect(item(filter, { value: "a", primary })).toBe(expected);
  });
});

describe("matchesItem: numbers and dateTimes", () => {
  it.each<[string, unknown, boolean]>([
    ["value gt 9", { value: 10 }, true],
    ["value gt 9", { value: "10" }, true],
    ['value eq "10"', { value: 10 }, true],
    ["value le 1.5", { value: 2 }, false],
    ["value eq 2.50e1", { value: 25 }, true],
    ["value eq 1", { value: "one" }, false],
    // The same instant written with different offsets and precision.
    ['at eq "2024-01-01T00:00:00Z"', { at: "2024-01-01T01:00:00+01:00" }, true],
    ["at eq 2024-01-01T00:00:00.0000000Z", { at: "2024-01-01T00:00:00.000Z" }, true],
    ['at gt "2024-01-01T00:00:00Z"', { at: "2024-01-01T01:00:00+01:00" }, false],
    ["at lt 2015-10-10T14:38:21.8617979-07:00", { at: "2015-10-10T21:38:21.000Z" }, true],
    ['at ge "2015-10-10T14:38:21.8617979-07:00"', { at: "2015-10-10T21:38:21.861Z" }, true],
    ['at gt "2024-01-01T00:00:00Z"', { at: "garbage" }, false],
    ['at sw "2024"', { at: "2024-05-01T00:00:00Z" }, true],
  ])("%s with %j -> %s", (filter, value, expected) => {
    expect(item(filter, value, SCORES)).toBe(expected);
  });

  it("meta is single-valued complex and still takes a value filter", () => {
    const meta = { created: "2024-01-01T00:00:00.000Z" };
    expect(item('created gt "2023-12-31T23:00:00-00:30"', meta, META)).toBe(true);
    // 23:00 at -02:00 is 01:00Z, after the value.
    expect(item('created gt "2023-12-31T23:00:00-02:00"', meta, META)).toBe(false);
  });
});

describe("matchesItem: invalid filters", () => {
  it.each<[string, string, ResolvedAttr?]>([
    ['foo eq "x"', "foo"],
    ['name.givenName eq "x"', "name.givenName"],
    [`${ENT}:department eq "x"`, "department"],
    ['value[type eq "x"]', "nested"],
    ["primary gt true", "boolean"],
    ['primary eq "maybe"', "boolean"],
    ['primary co "t"', "boolean"],
    ["value co 1", "number", SCORES],
    ['value eq "many"', "number", SCORES],
    ['at gt "soon"', "dateTime", SCORES],
    ["type lt null", "null"],
  ])("%s", (filter, expected, parent) => {
    // Checked even when the element lacks the attribute, so a bad filter never passes silently.
    const e = scimError(() => item(filter, {}, parent));
    expect(e.scimType).toBe("invalidFilter");
    expect(e.detail).toContain(expected);
  });

  it("a parent that already names a sub-attribute has nothing to resolve against", () => {
    expect(scimError(() => item('type eq "x"', {}, resolved(USER_RESOURCE, "emails.value"))).scimType).toBe(
      "invalidFilter",
    );
  });
});

describe("matchesItem with PATCH paths", () => {
  const emails = [
    { value: "a@work.example", type: "work", primary: "True" },
    { value: "a@home.example", type: "home" },
    { value: "b@work.example", type: "Work" },
  ];

  it.each<[string, string[]]>([
    ['emails[type eq "work"].value', ["a@work.example", "b@work.example"]],
    ['emails[type eq "work" and primary eq true]', ["a@work.example"]],
    ["emails[not (primary eq true)]", ["a@home.example", "b@work.example"]],
    ['emails[value ew "home.example" or type eq "WORK"]', ["a@work.example", "a@home.example", "b@work.example"]],
    ["emails[display pr]", []],
  ])("%s", (path, expected) => {
    const p = parsePatchPath(path);
    const filter = p.filter;
    if (!filter) throw new Error("no filter");
    expect(emails.filter((e) => matchesItem(filter, e, EMAILS)).map((e) => e.value)).toEqual(expected);
  });
});

describe("matchesResource", () => {
  const doc = {
    userName: "alice",
    name: { familyName: "Smith" },
    emails: [{ value: "a@x.example", type: "work" }],
    [ENT]: { manager: { value: "m-1" } },
  };
  const matches = (filter: string) => matchesResource(parseFilter(filter), doc, USER_RESOURCE);

  it.each<[string, boolean]>([
    ['USERNAME eq "ALICE"', true],
    ['name.familyName co "mit"', true],
    ['emails[type eq "work" and value ew "x.example"]', true],
    ['emails[type eq "home"]', false],
    ['emails co "@x."', true],
    ["emails pr", true],
    ["phoneNumbers pr", false],
    ['not (phoneNumbers.value eq "1")', true],
    [`${ENT}:manager.value eq "m-1"`, true],
    [`${ENT}:manager[value eq "M-1"]`, false],
    [`${ENT}:department pr`, false],
    ['title ne "x" and not (title pr)', true],
  ])("%s -> %s", (filter, expected) => {
    expect(matches(filter)).toBe(expected);
  });

  it("unknown attributes are invalidFilter naming them", () => {
    const e = scimError(() => matches('nickname eq "x" or shoeSize gt 3'));
    expect(e.scimType).toBe("invalidFilter");
    expect(e.detail).toContain("shoeSize");
  });
});
