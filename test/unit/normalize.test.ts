import { describe, expect, it } from "vitest";
import { normalizeResource } from "../../src/scim/normalize";
import { GROUP_RESOURCE, USER_RESOURCE } from "../../src/scim/schema/resources";
import { scimError } from "./helpers";

const ENT = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";

const norm = (body: unknown) => normalizeResource(body, USER_RESOURCE);

describe("normalizeResource", () => {
  it("maps attribute names case-insensitively to canonical ones (RFC 7643 2.1)", () => {
    const { doc, ignored } = norm({
      USERNAME: "a@x",
      Name: { GivenName: "A", familyname: "B" },
      Emails: [{ Value: "a@x", TYPE: "work", Primary: true }],
      ExternalID: "e1",
    });
    expect(doc).toEqual({
      userName: "a@x",
      name: { givenName: "A", familyName: "B" },
      emails: [{ value: "a@x", type: "work", primary: true }],
      externalId: "e1",
    });
    expect(ignored).toEqual([]);
  });

  it('accepts "True"/"False" strings for booleans, any case (Entra legacy form)', () => {
    expect(norm({ active: "True" }).doc.active).toBe(true);
    expect(norm({ active: "FALSE" }).doc.active).toBe(false);
    expect(norm({ active: false }).doc.active).toBe(false);
    expect(norm({ emails: [{ value: "a@x", primary: "true" }] }).doc.emails).toEqual([{ value: "a@x", primary: true }]);
  });

  it("rejects a value of the wrong type with invalidValue naming the attribute", () => {
    const e1 = scimError(() => norm({ active: "yes" }));
    expect(e1.status).toBe(400);
    expect(e1.scimType).toBe("invalidValue");
    expect(e1.detail).toContain("active");
    expect(e1.detail).toContain("boolean");
    const e2 = scimError(() => norm({ userName: 42 }));
    expect(e2.scimType).toBe("invalidValue");
    expect(e2.detail).toContain("userName");
    expect(scimError(() => norm({ name: "A B" })).detail).toContain("name");
    expect(scimError(() => norm({ emails: ["a@x"] })).scimType).toBe("invalidValue");
    expect(scimError(() => norm({ displayName: ["x"] })).scimType).toBe("invalidValue");
    expect(scimError(() => norm({ name: { givenName: true } })).detail).toContain("name.givenName");
  });

  it("refuses a body that is not an object", () => {
    expect(scimError(() => norm([])).scimType).toBe("invalidSyntax");
    expect(scimError(() => norm("x")).scimType).toBe("invalidSyntax");
  });

  it("drops readOnly attributes silently (RFC 7643 3.1)", () => {
    const { doc, ignored } = norm({
      id: "client-chosen",
      meta: { created: "2019-09-18T18:15:26.5788954+00:00", resourceType: "User" },
      groups: [{ value: "g1" }],
      schemas: ["urn:ietf:params:scim:schemas:core:2.0:User"],
      userName: "a@x",
      [ENT]: { manager: { value: "m1", displayName: "Boss" } },
    });
    expect(doc).toEqual({ userName: "a@x", [ENT]: { manager: { value: "m1" } } });
    expect(ignored).toEqual([]);
  });

  it("drops unknown attributes and lists their full paths", () => {
    const { doc, ignored } = norm({
      userName: "a@x",
      adreses: [{ country: "x" }],
      name: { givenName: "A", nickname: "zz" },
      emails: [{ value: "a@x", label: "l" }],
      [ENT]: { department: "D", shoeSize: 44 },
      "urn:ietf:params:scim:schemas:extension:ivanti:2.0:User": { custAttr1: "v" },
    });
    expect(doc).toEqual({
      userName: "a@x",
      name: { givenName: "A" },
      emails: [{ value: "a@x" }],
      [ENT]: { department: "D" },
    });
    expect(ignored).toEqual([
      "adreses",
      "name.nickname",
      "emails.label",
      `${ENT}:shoeSize`,
      "urn:ietf:params:scim:schemas:extension:ivanti:2.0:User:custAttr1",
    ]);
  });

  it("reads the extension from its URN key in any case, and URN-qualified flat keys", () => {
    const { doc } = norm({
      userName: "a@x",
      [ENT.toUpperCase()]: { Department: "bob", Manager: { Value: "SuzzyQ" } },
      [`${ENT}:employeeNumber`]: "42",
      [`${ENT}:manager.value`]: "m2",
    });
    expect(doc[ENT]).toEqual({ department: "bob", manager: { value: "m2" }, employeeNumber: "42" });
  });

  it("turns a bare manager id into {value} (Entra)", () => {
    expect(norm({ [ENT]: { manager: "mgr-id" } }).doc[ENT]).toEqual({ manager: { value: "mgr-id" } });
  });

  it("wraps a single value of a multi-valued attribute into a list", () => {
    expect(norm({ emails: { value: "a@x", type: "work" } }).doc.emails).toEqual([{ value: "a@x", type: "work" }]);
  });

  it("treats null as unassigned (RFC 7643 2.5) and keeps blanks for the service to judge (P6)", () => {
    const { doc } = norm({
      userName: "a@x",
      nickName: null,
      name: { givenName: "", honorificPrefix: null },
      addresses: [{ type: "other", country: null, locality: null }],
    });
    expect(doc).toEqual({ userName: "a@x", name: { givenName: "" }, addresses: [{ type: "other" }] });
  });

  it("normalizes the Postman collection's garbage user (capitalised Primary, nulls, meta)", () => {
    const { doc, ignored } = norm({
      userName: "OMalley",
      active: true,
      emails: [
        { Primary: true, type: "work", value: "testing@bob.com" },
        { Primary: false, type: "home", value: "testinghome@bob.com" },
      ],
      meta: { created: "2019-09-18T18:15:26.5788954+00:00", resourceType: "User" },
      roles: [],
      title: "Site engineer",
    });
    expect(doc.emails).toEqual([
      { primary: true, type: "work", value: "testing@bob.com" },
      { primary: false, type: "home", value: "testinghome@bob.com" },
    ]);
    expect(doc.roles).toEqual([]);
    expect(doc).not.toHaveProperty("meta");
    expect(ignored).toEqual([]);
  });

  it("normalizes a group with members, dropping the readOnly display", () => {
    const { doc } = normalizeResource(
      { displayName: "G", Members: [{ value: "u1", display: "VP" }], externalId: "x" },
      GROUP_RESOURCE,
    );
    expect(doc).toEqual({ displayName: "G", members: [{ value: "u1" }], externalId: "x" });
  });
});
