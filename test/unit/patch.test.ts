import { describe, expect, it } from "vitest";
import { ScimError } from "../../src/scim/errors";
import type { ScimDoc } from "../../src/scim/normalize";
import { applyPatch } from "../../src/scim/patch";
import type { ResolvedAttr } from "../../src/scim/resolve";
import { GROUP_RESOURCE, USER_RESOURCE } from "../../src/scim/schema/resources";
import { scimError } from "./helpers";

const ENT = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";

const user = (): ScimDoc => ({
  userName: "bjensen@example.com",
  name: { givenName: "Barbara", familyName: "Jensen" },
  emails: [
    { value: "bjensen@example.com", type: "work", primary: true },
    { value: "babs@jensen.org", type: "home" },
  ],
  addresses: [{ type: "work", streetAddress: "100 Universal City Plaza", locality: "Hollywood", primary: true }],
  active: true,
});

const patch = (doc: ScimDoc, ...ops: unknown[]) => applyPatch(doc, ops, USER_RESOURCE).doc;

describe("applyPatch: RFC 7644 3.5.2.1 add", () => {
  it("adds to a multi-valued attribute and sets a single-valued one, without a path", () => {
    const doc = patch(user(), {
      op: "add",
      value: { emails: [{ value: "babs@example.org", type: "other" }], nickname: "Babs" },
    });
    expect(doc.nickName).toBe("Babs");
    expect(doc.emails).toHaveLength(3);
    expect((doc.emails as unknown[])[2]).toEqual({ value: "babs@example.org", type: "other" });
  });

  it("adds group members with a path (RFC example)", () => {
    const group = { displayName: "Tour Guides", members: [{ value: "u1" }] };
    const doc = applyPatch(
      group,
      [
        {
          op: "add",
          path: "members",
          value: [{ display: "Babs Jensen", $ref: "https://example.com/v2/Users/2819c223", value: "2819c223" }],
        },
      ],
      GROUP_RESOURCE,
    ).doc;
    expect(doc.members).toEqual([
      { value: "u1" },
      { value: "2819c223", $ref: "https://example.com/v2/Users/2819c223" },
    ]);
  });

  it("skips a value that is already there, merging its details", () => {
    const doc = patch(user(), {
      op: "add",
      path: "emails",
      value: [{ value: "BABS@jensen.org", type: "home", display: "Babs" }],
    });
    expect(doc.emails).toHaveLength(2);
    expect((doc.emails as Record<string, unknown>[])[1]).toEqual({
      value: "BABS@jensen.org",
      type: "home",
      display: "Babs",
    });
  });

  it("replaces the value of a single-valued attribute that exists", () => {
    expect(patch(user(), { op: "add", path: "userName", value: "b@x" }).userName).toBe("b@x");
  });

  it("adds sub-attributes to a complex attribute, keeping the others", () => {
    const doc = patch(user(), { op: "add", path: "name", value: { middleName: "Jane" } });
    expect(doc.name).toEqual({ givenName: "Barbara", familyName: "Jensen", middleName: "Jane" });
  });
});

describe("applyPatch: RFC 7644 3.5.2.2 remove", () => {
  it("removes a single-valued attribute and a sub-attribute", () => {
    const doc = patch(user(), { op: "remove", path: "active" }, { op: "remove", path: "name.givenName" });
    expect(doc).not.toHaveProperty("active");
    expect(doc.name).toEqual({ familyName: "Jensen" });
  });

  it("removes matching values with a filter", () => {
    const doc = patch(user(), { op: "remove", path: 'emails[type eq "work" and value ew "example.com"]' });
    expect(doc.emails).toEqual([{ value: "babs@jensen.org", type: "home" }]);
  });

  it("removes a sub-attribute of the matching values", () => {
    const doc = patch(user(), { op: "remove", path: 'addresses[type eq "work"].locality' });
    expect(doc.addresses).toEqual([{ type: "work", streetAddress: "100 Universal City Plaza", primary: true }]);
  });

  it("changes nothing when the filter matches nothing", () => {
    const before = user();
    expect(patch(before, { op: "remove", path: 'emails[type eq "other"]' })).toEqual(before);
  });

  it("removes all values of a multi-valued attribute, and only the listed ones with a value", () => {
    expect(patch(user(), { op: "remove", path: "emails" })).not.toHaveProperty("emails");
    const doc = patch(user(), { op: "remove", path: "emails", value: [{ value: "babs@jensen.org" }] });
    expect(doc.emails).toEqual([{ value: "bjensen@example.com", type: "work", primary: true }]);
  });

  it("drops a complex attribute that a removal left empty", () => {
    const doc = patch({ userName: "u", [ENT]: { department: "D" } }, { op: "remove", path: `${ENT}:department` });
    expect(doc).toEqual({ userName: "u" });
  });

  it("refuses a remove without a path (noTarget)", () => {
    expect(scimError(() => patch(user(), { op: "remove", value: { nickName: "x" } })).scimType).toBe("noTarget");
  });
});

describe("applyPatch: RFC 7644 3.5.2.3 replace", () => {
  it("replaces a whole multi-valued attribute", () => {
    const doc = patch(user(), { op: "replace", path: "emails", value: [{ value: "new@x", type: "work" }] });
    expect(doc.emails).toEqual([{ value: "new@x", type: "work" }]);
  });

  it("replaces the matching element with a filter (RFC example)", () => {
    const value = {
      type: "work",
      streetAddress: "911 Universal City Plaza",
      locality: "Hollywood",
      region: "CA",
      postalCode: "91608",
      country: "US",
      primary: true,
    };
    const doc = patch(user(), { op: "replace", path: 'addresses[type eq "work"]', value });
    expect(doc.addresses).toEqual([value]);
  });

  it("replaces a sub-attribute of the matching element", () => {
    const doc = patch(user(), {
      op: "replace",
      path: 'addresses[type eq "work"].streetAddress',
      value: "1010 Broadway Ave",
    });
    expect((doc.addresses as Record<string, unknown>[])[0].streetAddress).toBe("1010 Broadway Ave");
    expect((doc.addresses as Record<string, unknown>[])[0].locality).toBe("Hollywood");
  });

  it("replaces attributes without a path (RFC example)", () => {
    const emails = [
      { value: "bjensen@example.com", type: "work", primary: true },
      { value: "babs@jensen.org", type: "home" },
    ];
    const doc = patch(
      { userName: "u", emails: [{ value: "old@x" }] },
      { op: "replace", value: { emails, nickname: "Babs" } },
    );
    expect(doc.emails).toEqual(emails);
    expect(doc.nickName).toBe("Babs");
  });

  it("refuses a filter that can describe no new element when nothing matches (noTarget)", () => {
    expect(
      scimError(() => patch(user(), { op: "replace", path: 'emails[value co "zzz"].type', value: "work" })).scimType,
    ).toBe("noTarget");
  });

  it("merges sub-attributes of a complex attribute (RFC: the others stay)", () => {
    const doc = patch(user(), { op: "replace", path: "name", value: { givenName: "Babs" } });
    expect(doc.name).toEqual({ givenName: "Babs", familyName: "Jensen" });
  });
});

describe("applyPatch: primary (RFC 7643 2.4)", () => {
  it("clears primary on the other values when one becomes primary", () => {
    const doc = patch(user(), { op: "replace", path: 'emails[type eq "home"].primary', value: true });
    expect(doc.emails).toEqual([
      { value: "bjensen@example.com", type: "work", primary: false },
      { value: "babs@jensen.org", type: "home", primary: true },
    ]);
  });

  it("clears it when an added value is primary", () => {
    const doc = patch(user(), { op: "add", path: "emails", value: [{ value: "n@x", type: "other", primary: "True" }] });
    const primaries = (doc.emails as Record<string, unknown>[]).filter((e) => e.primary === true);
    expect(primaries).toEqual([{ value: "n@x", type: "other", primary: true }]);
  });
});

describe("applyPatch: general rules", () => {
  it("never mutates its input", () => {
    const before = user();
    const copy = structuredClone(before);
    patch(
      before,
      { op: "replace", path: "name.givenName", value: "X" },
      { op: "remove", path: "emails" },
      { op: "add", path: 'addresses[type eq "work"].country', value: "US" },
    );
    expect(before).toEqual(copy);
  });

  it("accepts op names in any case", () => {
    expect(patch(user(), { op: "REPLACE", path: "title", value: "T" }).title).toBe("T");
  });

  it("resolves paths case-insensitively to canonical names", () => {
    const doc = patch(
      user(),
      { op: "replace", path: "NAME.GIVENNAME", value: "B" },
      { op: "add", path: 'EMAILS[TYPE eq "home"].VALUE', value: "h@x" },
    );
    expect((doc.name as Record<string, unknown>).givenName).toBe("B");
    expect((doc.emails as Record<string, unknown>[])[1].value).toBe("h@x");
  });

  it.each([
    ["not an array", { op: "add" }, "invalidSyntax"],
    ["empty", [], "invalidSyntax"],
    ["unknown op", [{ op: "move", path: "title", value: "x" }], "invalidSyntax"],
    ["op missing", [{ path: "title", value: "x" }], "invalidSyntax"],
    ["add without value", [{ op: "add", path: "title" }], "invalidSyntax"],
    ["unparsable path", [{ op: "add", path: "emails[type eq", value: "x" }], "invalidPath"],
    ["unknown attribute", [{ op: "add", path: "shoeSize", value: 44 }], "invalidPath"],
    ["unknown sub-attribute", [{ op: "add", path: "name.nickname", value: "x" }], "invalidPath"],
    ["unknown name in a filter", [{ op: "replace", path: 'emails[kind eq "work"].value', value: "x" }], "invalidPath"],
    [
      "unknown name in a filter, no element",
      [{ op: "replace", path: 'ims[kind eq "x"].value', value: "x" }],
      "invalidPath",
    ],
    ["filter on single-valued", [{ op: "add", path: 'name[givenName eq "x"]', value: "x" }], "invalidPath"],
    ["readOnly id", [{ op: "replace", path: "id", value: "x" }], "mutability"],
    ["readOnly meta.created", [{ op: "replace", path: "meta.created", value: "2020-01-01T00:00:00Z" }], "mutability"],
    ["readOnly groups", [{ op: "add", path: "groups", value: [{ value: "g" }] }], "mutability"],
    ["readOnly manager.displayName", [{ op: "replace", path: `${ENT}:manager.displayName`, value: "x" }], "mutability"],
    ["wrong type", [{ op: "replace", path: "active", value: "maybe" }], "invalidValue"],
    ["wrong type in complex", [{ op: "replace", path: "name", value: "Babs" }], "invalidValue"],
    ["pathless value not an object", [{ op: "replace", value: "x" }], "invalidValue"],
  ])("refuses %s", (_, ops, scimType) => {
    const e = scimError(() => applyPatch(user(), ops, USER_RESOURCE));
    expect(e.status).toBe(400);
    expect(e.scimType).toBe(scimType);
  });

  it("refuses replacing an immutable sub-attribute (group member value)", () => {
    const e = scimError(() =>
      applyPatch(
        { displayName: "G", members: [{ value: "u1" }] },
        [{ op: "replace", path: 'members[value eq "u1"].value', value: "u2" }],
        GROUP_RESOURCE,
      ),
    );
    expect(e.scimType).toBe("mutability");
  });

  it("ignores and lists paths under an extension the resource does not define (P18)", () => {
    const path = "urn:ietf:params:scim:schemas:extension:ivanti:2.0:User:custAttr9";
    const result = applyPatch(
      user(),
      [
        { op: "add", path, value: "v" },
        { op: "replace", path: "title", value: "T" },
      ],
      USER_RESOURCE,
    );
    expect(result.ignored).toEqual([path]);
    expect(result.doc.title).toBe("T");
    expect(JSON.stringify(result.doc)).not.toContain("custAttr9");
  });

  it("replaces the whole extension object when the path is the bare URN", () => {
    const doc = patch(
      { userName: "u", [ENT]: { department: "D" } },
      { op: "add", path: ENT, value: { division: "V", Department: "E" } },
    );
    expect(doc[ENT]).toEqual({ department: "E", division: "V" });
    expect(patch(doc, { op: "remove", path: ENT })).toEqual({ userName: "u" });
  });
});

describe("applyPatch: P7 blanks", () => {
  it("P7 a blank value never overwrites a stored value", () => {
    const stored: ScimDoc = { ...user(), title: "Boss", [ENT]: { department: "Sales", manager: { value: "m1" } } };
    const blanks = [null, "", "   "];
    for (const blank of blanks) {
      for (const op of ["add", "replace", "Replace", "Add"]) {
        const ops = [
          { op, path: "title", value: blank },
          { op, path: "name.givenName", value: blank },
          { op, path: "name", value: { familyName: blank } },
          { op, path: `${ENT}:department`, value: blank },
          { op, path: `${ENT}:manager`, value: blank },
          { op, path: 'emails[type eq "work"].value', value: blank },
          { op, path: "active", value: blank },
          {
            op,
            value: {
              title: blank,
              "name.familyName": blank,
              [`${ENT}:department`]: blank,
              [ENT]: { department: blank },
            },
          },
          { op, value: { name: { givenName: blank } } },
        ];
        expect(applyPatch(stored, ops, USER_RESOURCE).doc, `${op} ${JSON.stringify(blank)}`).toEqual(stored);
      }
    }
  });

  it("reports each skipped blank with its resolved attribute", () => {
    const seen: string[] = [];
    const onBlank = (r: ResolvedAttr) => seen.push(r.key);
    const ops = [
      { op: "replace", path: "title", value: null },
      { op: "replace", path: "name", value: { givenName: " ", familyName: "J" } },
      { op: "replace", value: { "name.formatted": "", nickName: "" } },
      { op: "add", path: 'emails[type eq "work"].value', value: "" },
      { op: "replace", path: "emails", value: [] },
    ];
    const { doc } = applyPatch({ ...user(), title: "Boss" }, ops, USER_RESOURCE, { onBlank });
    expect(seen).toEqual(["title", "name.givenname", "name.formatted", "nickname", "emails.value", "emails"]);
    expect(doc.title).toBe("Boss");
    expect(doc.name).toEqual({ givenName: "Barbara", familyName: "J" });
    expect(doc.emails).toEqual(user().emails);
  });

  it("lets the caller refuse a blank (P6 uses this)", () => {
    const onBlank = (r: ResolvedAttr) => {
      if (r.key === "name.givenname") throw new ScimError(400, "P6", "invalidValue");
    };
    expect(() =>
      applyPatch(user(), [{ op: "replace", path: "name.givenName", value: "" }], USER_RESOURCE, { onBlank }),
    ).toThrow("P6");
  });

  it("still honours remove (RFC), which P7 does not cover", () => {
    expect(patch({ ...user(), title: "Boss" }, { op: "remove", path: "title" })).not.toHaveProperty("title");
  });
});
