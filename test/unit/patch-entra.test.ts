/**
 * The request bodies Microsoft documents Entra ID sending ("Tutorial: Develop and plan
 * provisioning for a SCIM endpoint"; "Known issues and resolutions with SCIM 2.0 protocol
 * compliance", legacy form and `aadOptscim062020` form), and Entra habits seen in the field.
 */
import { describe, expect, it } from "vitest";
import { normalizeResource, type ScimDoc } from "../../src/scim/normalize";
import { applyPatch } from "../../src/scim/patch";
import { parsePatchBody } from "../../src/scim/patch-body";
import { checkResourceSchemas } from "../../src/scim/schemas-attr";
import { GROUP_RESOURCE, USER_RESOURCE } from "../../src/scim/schema/resources";

const ENT = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
const PATCH_OP = "urn:ietf:params:scim:api:messages:2.0:PatchOp";

/** A user as Entra's tutorial creates it: one work email, no phones, no addresses, no extension. */
const stored = (): ScimDoc =>
  normalizeResource(
    {
      schemas: ["urn:ietf:params:scim:schemas:core:2.0:User", ENT],
      externalId: "0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef",
      userName: "Test_User_ab6490ee-1e48-479e-a20b-2d77186b5dd1",
      active: true,
      emails: [{ primary: true, type: "work", value: "Test_User_fd0ea19b-0777-472c-9f96-4f70d2226f2e@testuser.com" }],
      meta: { resourceType: "User" },
      name: { formatted: "givenName familyName", familyName: "familyName", givenName: "givenName" },
      roles: [],
    },
    USER_RESOURCE,
  ).doc;

/** Applies a whole PatchOp body: its envelope (schemas, RFC 7644 3.5.2) is checked as the routes check it. */
const send = (doc: ScimDoc, body: { schemas?: string[]; Operations: unknown[] }) =>
  applyPatch(doc, parsePatchBody(body), USER_RESOURCE);
const ops = (...operations: unknown[]) => ({ schemas: [PATCH_OP], Operations: operations });

type Item = Record<string, unknown>;

describe("Entra: the tutorial's user requests", () => {
  it("Create User body normalizes (meta and schemas dropped, nothing ignored)", () => {
    expect(() =>
      checkResourceSchemas({ schemas: ["urn:ietf:params:scim:schemas:core:2.0:User", ENT] }, USER_RESOURCE),
    ).not.toThrow();
    const doc = stored();
    expect(doc).not.toHaveProperty("meta");
    expect(doc).not.toHaveProperty("schemas");
    expect(doc.active).toBe(true);
  });

  it('Update User [Multi-valued properties]: Replace emails[type eq "work"].value and name.familyName', () => {
    const { doc, ignored } = send(
      stored(),
      ops(
        { op: "Replace", path: 'emails[type eq "work"].value', value: "updatedEmail@microsoft.com" },
        { op: "Replace", path: "name.familyName", value: "updatedFamilyName" },
      ),
    );
    expect(doc.emails).toEqual([{ primary: true, type: "work", value: "updatedEmail@microsoft.com" }]);
    expect(doc.name).toEqual({
      formatted: "givenName familyName",
      familyName: "updatedFamilyName",
      givenName: "givenName",
    });
    expect(ignored).toEqual([]);
  });

  it("Update User [Single-valued properties]: Replace userName", () => {
    const { doc } = send(
      stored(),
      ops({ op: "Replace", path: "userName", value: "5b50642d-79fc-4410-9e90-4c077cdd1a59@testuser.com" }),
    );
    expect(doc.userName).toBe("5b50642d-79fc-4410-9e90-4c077cdd1a59@testuser.com");
  });

  it("Disable User: Replace active false", () => {
    expect(send(stored(), ops({ op: "Replace", path: "active", value: false })).doc.active).toBe(false);
  });

  it("Replace name.givenName", () => {
    const { doc } = send(stored(), ops({ op: "Replace", path: "name.givenName", value: "Gtfd" }));
    expect((doc.name as Item).givenName).toBe("Gtfd");
  });
});

describe("Entra: disabling a user, every form", () => {
  it.each([
    ["legacy, string", { op: "Replace", path: "active", value: "False" }],
    ["aadOptscim062020, boolean", { op: "replace", path: "active", value: false }],
    ["pathless, string", { op: "Replace", value: { active: "False" } }],
    ["pathless, boolean", { op: "replace", value: { active: false } }],
  ])("%s", (_, op) => {
    expect(send(stored(), ops(op)).doc.active).toBe(false);
  });

  it('re-enables with "True"', () => {
    expect(send({ ...stored(), active: false }, ops({ op: "Replace", path: "active", value: "True" })).doc.active).toBe(
      true,
    );
  });
});

describe("Entra: replacing several attributes, legacy form and aadOptscim062020 form agree", () => {
  const legacy = ops(
    { op: "Replace", path: "displayName", value: "Pvlo" },
    { op: "Replace", path: 'emails[type eq "work"].value', value: "TestBcwqnm@test.microsoft.com" },
    { op: "Replace", path: "name.givenName", value: "Gtfd" },
    { op: "Replace", path: "name.familyName", value: "Pkqf" },
    { op: "Replace", path: "externalId", value: "Eqpj" },
    { op: "Replace", path: `${ENT}:employeeNumber`, value: "Eqpj" },
  );
  const optscim = ops({
    op: "replace",
    value: {
      displayName: "Pvlo",
      'emails[type eq "work"].value': "TestBcwqnm@test.microsoft.com",
      "name.givenName": "Gtfd",
      "name.familyName": "Pkqf",
      externalId: "Eqpj",
      [`${ENT}:employeeNumber`]: "Eqpj",
    },
  });

  it("gives the expected document", () => {
    const { doc, ignored } = send(stored(), optscim);
    expect(ignored).toEqual([]);
    expect(doc).toMatchObject({
      displayName: "Pvlo",
      externalId: "Eqpj",
      name: { givenName: "Gtfd", familyName: "Pkqf", formatted: "givenName familyName" },
      emails: [{ primary: true, type: "work", value: "TestBcwqnm@test.microsoft.com" }],
      [ENT]: { employeeNumber: "Eqpj" },
    });
  });

  it("in both forms", () => {
    expect(send(stored(), optscim).doc).toEqual(send(stored(), legacy).doc);
  });
});

describe("Entra: adding single-valued attributes", () => {
  it.each([
    ["legacy", "Add"],
    ["aadOptscim062020", "add"],
  ])("nickName, %s", (_, op) => {
    expect(send(stored(), ops({ op, path: "nickName", value: "Babs" })).doc.nickName).toBe("Babs");
  });

  it("externalId, displayName, title", () => {
    const { doc } = send(
      stored(),
      ops(
        { op: "Add", path: "externalId", value: "ext-1" },
        { op: "Add", path: "displayName", value: "Barbara Jensen" },
        { op: "Add", path: "title", value: "Tour Guide" },
      ),
    );
    expect(doc).toMatchObject({ externalId: "ext-1", displayName: "Barbara Jensen", title: "Tour Guide" });
  });
});

describe("Entra: the enterprise extension (P17)", () => {
  it.each([
    ["Add", "legacy"],
    ["add", "aadOptscim062020"],
    ["Replace", "legacy"],
    ["replace", "aadOptscim062020"],
  ])("%s of department", (op) => {
    const { doc } = send(stored(), ops({ op, path: `${ENT}:department`, value: "Human Resources US" }));
    expect(doc[ENT]).toEqual({ department: "Human Resources US" });
  });

  it("manager as a bare id, in both op spellings", () => {
    const added = send(stored(), ops({ op: "Add", path: `${ENT}:manager`, value: "mgr-1" })).doc;
    expect(added[ENT]).toEqual({ manager: { value: "mgr-1" } });
    const replaced = send(added, ops({ op: "Replace", path: `${ENT}:manager`, value: "mgr-2" })).doc;
    expect(replaced[ENT]).toEqual({ manager: { value: "mgr-2" } });
  });

  it("manager as {value}, replacing the former manager whole", () => {
    const before = { ...stored(), [ENT]: { manager: { value: "mgr-1", $ref: "../Users/mgr-1" } } };
    const { doc } = send(before, ops({ op: "replace", path: `${ENT}:manager`, value: { value: "mgr-2" } }));
    expect(doc[ENT]).toEqual({ manager: { value: "mgr-2" } });
  });

  it("manager removed", () => {
    const before = { ...stored(), [ENT]: { manager: { value: "mgr-1" } } };
    expect(send(before, ops({ op: "Remove", path: `${ENT}:manager` })).doc).toEqual(stored());
  });

  it("undeclared custom attributes of the ivanti extension are ignored and listed (P18)", () => {
    const custom = "urn:ietf:params:scim:schemas:extension:ivanti:2.0:User";
    const { doc, ignored } = send(
      stored(),
      ops(
        { op: "Add", path: `${custom}:custAttr9`, value: "x" },
        { op: "replace", value: { [`${custom}:custAttr1`]: "y", [custom]: { custAttr2: "z" } } },
      ),
    );
    expect(doc).toEqual(stored());
    expect(ignored).toEqual([`${custom}:custAttr9`, `${custom}:custAttr1`, `${custom}:custAttr2`]);
  });
});

describe("Entra: multi-valued attributes addressed by type", () => {
  it('Replace emails[type eq "work"].value on a user without a work email adds one', () => {
    const before = { ...stored(), emails: [{ value: "home@x", type: "home" }] };
    const { doc } = send(before, ops({ op: "Replace", path: 'emails[type eq "work"].value', value: "w@x" }));
    expect(doc.emails).toEqual([
      { value: "home@x", type: "home" },
      { type: "work", value: "w@x" },
    ]);
  });

  it('Add emails[type eq "work"].value on a user who has one replaces its value', () => {
    const { doc } = send(stored(), ops({ op: "Add", path: 'emails[type eq "work"].value', value: "new@x" }));
    expect(doc.emails).toEqual([{ primary: true, type: "work", value: "new@x" }]);
  });

  it('Add phoneNumbers[type eq "mobile"].value creates the mobile number', () => {
    const { doc } = send(
      stored(),
      ops({ op: "Add", path: 'phoneNumbers[type eq "mobile"].value', value: "+1 555 0100" }),
    );
    expect(doc.phoneNumbers).toEqual([{ type: "mobile", value: "+1 555 0100" }]);
    const again = send(
      doc,
      ops({ op: "Replace", path: 'phoneNumbers[type eq "mobile"].value', value: "+1 555 0199" }),
    ).doc;
    expect(again.phoneNumbers).toEqual([{ type: "mobile", value: "+1 555 0199" }]);
  });

  it('Add addresses[type eq "work"].postalCode, then another sub-attribute, builds one work address', () => {
    const { doc } = send(
      stored(),
      ops(
        { op: "Add", path: 'addresses[type eq "work"].postalCode', value: "98052" },
        { op: "Add", path: 'addresses[type eq "work"].locality', value: "Redmond" },
        { op: "Add", path: 'addresses[type eq "work"].country', value: "US" },
      ),
    );
    expect(doc.addresses).toEqual([{ type: "work", postalCode: "98052", locality: "Redmond", country: "US" }]);
  });

  it("a filter of eq joined by and describes the element it creates", () => {
    const { doc } = send(
      stored(),
      ops({ op: "add", path: 'phoneNumbers[type eq "work" and primary eq true].value', value: "1" }),
    );
    expect(doc.phoneNumbers).toEqual([{ type: "work", primary: true, value: "1" }]);
  });

  it("remove with a filter that matches nothing changes nothing", () => {
    expect(send(stored(), ops({ op: "Remove", path: 'phoneNumbers[type eq "fax"]' })).doc).toEqual(stored());
  });
});

describe("Entra: group attributes (not membership)", () => {
  it("Update Group [Attributes]: Replace displayName", () => {
    const { doc } = applyPatch(
      { displayName: "displayName", externalId: "8aa1a0c0-c4c3-4bc0-b4a5-2ef676900159" },
      [{ op: "Replace", path: "displayName", value: "1879db59-3bdf-4490-ad68-ab880a269474updatedDisplayName" }],
      GROUP_RESOURCE,
    );
    expect(doc.displayName).toBe("1879db59-3bdf-4490-ad68-ab880a269474updatedDisplayName");
  });

  it("Create Group body: Microsoft's extra schema URN and meta are dropped", () => {
    const body = {
      schemas: [
        "urn:ietf:params:scim:schemas:core:2.0:Group",
        "http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group",
      ],
      externalId: "8aa1a0c0-c4c3-4bc0-b4a5-2ef676900159",
      displayName: "displayName",
      meta: { resourceType: "Group" },
    };
    expect(() => checkResourceSchemas(body, GROUP_RESOURCE)).not.toThrow();
    const { doc, ignored } = normalizeResource(body, GROUP_RESOURCE);
    expect(doc).toEqual({ externalId: "8aa1a0c0-c4c3-4bc0-b4a5-2ef676900159", displayName: "displayName" });
    expect(ignored).toEqual([]);
  });
});
