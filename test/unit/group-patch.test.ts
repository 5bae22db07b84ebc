import { describe, expect, it } from "vitest";
import { planGroupPatch } from "../../src/scim/group-patch";
import { scimError } from "./helpers";

const plan = (...ops: unknown[]) => planGroupPatch(ops);
const empty = { add: [], remove: [], removeAllMembers: false, other: [] };

describe("planGroupPatch: the forms Entra sends", () => {
  it("legacy Add of members with $ref null and display", () => {
    const p = plan({
      op: "Add",
      path: "members",
      value: [{ value: "id1" }, { value: "id2", display: "x", $ref: null }],
    });
    expect(p).toEqual({ ...empty, add: ["id1", "id2"] });
  });

  it("aadOptscim062020 add of members", () => {
    expect(plan({ op: "add", path: "members", value: [{ value: "f648f8d5ea4e4cd38e9c" }] })).toEqual({
      ...empty,
      add: ["f648f8d5ea4e4cd38e9c"],
    });
  });

  it("bare string ids (Microsoft's Postman collection sends one)", () => {
    expect(plan({ op: "add", path: "members", value: "string id 1" }).add).toEqual(["string id 1"]);
    expect(plan({ op: "add", path: "members", value: ["id1", "id2", "id1"] }).add).toEqual(["id1", "id2"]);
  });

  it("legacy Remove with a value removes only those members, never the whole list", () => {
    const p = plan({ op: "Remove", path: "members", value: [{ $ref: null, value: "f648f8d5ea4e4cd38e9c" }] });
    expect(p).toEqual({ ...empty, remove: ["f648f8d5ea4e4cd38e9c"] });
  });

  it('aadOptscim062020 remove by members[value eq "id"]', () => {
    const p = plan({ op: "remove", path: 'members[value eq "7f4bc1a3-285e-48ae-8202-5accb43efb0e"]' });
    expect(p).toEqual({ ...empty, remove: ["7f4bc1a3-285e-48ae-8202-5accb43efb0e"] });
  });

  it("remove of several ids joined by or", () => {
    expect(plan({ op: "remove", path: 'members[value eq "a" or value eq "b"]' }).remove).toEqual(["a", "b"]);
  });

  it("remove members without a value removes all", () => {
    expect(plan({ op: "remove", path: "members" })).toEqual({ ...empty, removeAllMembers: true });
  });

  it("replace members sets the list", () => {
    expect(plan({ op: "replace", path: "members", value: [{ value: "a" }, { value: "b" }] })).toEqual({
      ...empty,
      replaceMembers: ["a", "b"],
    });
  });

  it("Replace displayName goes to other, with the op name lower-cased", () => {
    expect(plan({ op: "Replace", path: "displayName", value: "New" })).toEqual({
      ...empty,
      other: [{ op: "replace", path: "displayName", value: "New" }],
    });
  });

  it("pathless add of members", () => {
    expect(plan({ op: "add", value: { members: [{ value: "a" }] } })).toEqual({ ...empty, add: ["a"] });
  });

  it("pathless replace splits members out and keeps the rest", () => {
    const p = plan({ op: "replace", value: { displayName: "x", Members: [{ value: "a" }], externalId: "e" } });
    expect(p).toEqual({
      ...empty,
      replaceMembers: ["a"],
      other: [{ op: "replace", value: { displayName: "x", externalId: "e" } }],
    });
  });

  it("members under the Group schema URN", () => {
    expect(
      plan({ op: "add", path: "urn:ietf:params:scim:schemas:core:2.0:Group:members", value: [{ value: "a" }] }).add,
    ).toEqual(["a"]);
  });
});

describe("planGroupPatch: operations apply in order", () => {
  it("add then remove of the same id leaves it out", () => {
    const p = plan(
      { op: "add", path: "members", value: [{ value: "a" }, { value: "b" }] },
      { op: "remove", path: 'members[value eq "a"]' },
    );
    expect(p).toEqual({ ...empty, add: ["b"], remove: ["a"] });
  });

  it("remove then add of the same id makes it a member", () => {
    const p = plan(
      { op: "remove", path: "members", value: [{ value: "a" }] },
      { op: "add", path: "members", value: [{ value: "a" }] },
    );
    expect(p).toEqual({ ...empty, add: ["a"] });
  });

  it("later adds and removes change a replaced list", () => {
    const p = plan(
      { op: "replace", path: "members", value: [{ value: "a" }, { value: "b" }] },
      { op: "add", path: "members", value: [{ value: "c" }] },
      { op: "remove", path: 'members[value eq "a"]' },
    );
    expect(p).toEqual({ ...empty, replaceMembers: ["b", "c"] });
  });

  it("remove all then add keeps only the added", () => {
    const p = plan(
      { op: "add", path: "members", value: ["x"] },
      { op: "remove", path: "members" },
      { op: "add", path: "members", value: ["a"] },
      { op: "remove", path: "members", value: ["zz"] },
    );
    expect(p).toEqual({ ...empty, removeAllMembers: true, add: ["a"] });
  });

  it("replace after remove all is a plain replace", () => {
    const p = plan({ op: "remove", path: "members" }, { op: "replace", path: "members", value: ["a"] });
    expect(p).toEqual({ ...empty, replaceMembers: ["a"] });
  });
});

describe("planGroupPatch: errors", () => {
  it.each([
    ["ops not an array", { op: "add" }, "invalidSyntax"],
    ["no ops", [], "invalidSyntax"],
    ["unknown op", [{ op: "merge", path: "members", value: ["a"] }], "invalidSyntax"],
    ["remove without path", [{ op: "remove", value: { members: [{ value: "a" }] } }], "noTarget"],
    ["member without value", [{ op: "add", path: "members", value: [{ display: "x" }] }], "invalidValue"],
    ["member value not a string", [{ op: "add", path: "members", value: [{ value: 42 }] }], "invalidValue"],
    ["member value empty", [{ op: "add", path: "members", value: [""] }], "invalidValue"],
    ["member value a number", [{ op: "add", path: "members", value: 7 }], "invalidValue"],
    ["nested group (P14)", [{ op: "add", path: "members", value: [{ value: "g", type: "Group" }] }], "invalidValue"],
    ["filter on something else than value", [{ op: "remove", path: 'members[display eq "x"]' }], "invalidFilter"],
    ["add with a filter", [{ op: "add", path: 'members[value eq "x"]', value: [{ value: "x" }] }], "invalidPath"],
    ["member sub-attribute", [{ op: "replace", path: 'members[value eq "x"].value', value: "y" }], "mutability"],
    ["unparsable path", [{ op: "remove", path: "members[value eq" }], "invalidPath"],
  ])("%s", (_, ops, scimType) => {
    const e = scimError(() => planGroupPatch(ops));
    expect(e.status).toBe(400);
    expect(e.scimType).toBe(scimType);
    expect(e.detail).not.toBe("");
  });
});
