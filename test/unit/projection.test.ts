import { describe, expect, it } from "vitest";
import { project } from "../../src/scim/projection";
import { GROUP_RESOURCE, USER_RESOURCE } from "../../src/scim/schema/resources";
import type { ResourceSchema } from "../../src/scim/schema/types";

const ENT = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
const CORE = "urn:ietf:params:scim:schemas:core:2.0:User";

const user = () => ({
  schemas: [CORE, ENT],
  id: "u1",
  externalId: "e1",
  userName: "bjensen",
  name: { givenName: "Barbara", familyName: "Jensen" },
  emails: [
    { value: "b@x", type: "work", primary: true },
    { value: "h@x", type: "home" },
  ],
  active: true,
  [ENT]: { department: "Tour", manager: { value: "m1", displayName: "Boss" } },
  meta: { resourceType: "User", created: "2024-01-01T00:00:00Z", location: "https://h/Users/u1" },
});

const group = () => ({
  schemas: ["urn:ietf:params:scim:schemas:core:2.0:Group"],
  id: "g1",
  displayName: "Tour Guides",
  members: [{ value: "u1", display: "Babs" }],
  meta: { resourceType: "Group" },
});

const p = (opts: { attributes?: string; excludedAttributes?: string }) => project(user(), USER_RESOURCE, opts);

describe("project", () => {
  it("returns everything by default", () => {
    expect(p({})).toEqual(user());
    expect(p({ attributes: " ", excludedAttributes: "" })).toEqual(user());
  });

  it("attributes: only those, plus id and schemas (returned always)", () => {
    expect(p({ attributes: "userName" })).toEqual({ schemas: [CORE, ENT], id: "u1", userName: "bjensen" });
  });

  it("attributes: case-insensitive names, comma-separated with spaces", () => {
    expect(p({ attributes: "USERNAME, Active" })).toEqual({
      schemas: [CORE, ENT],
      id: "u1",
      userName: "bjensen",
      active: true,
    });
  });

  it("attributes: sub-attributes of single- and multi-valued attributes", () => {
    expect(p({ attributes: "name.givenName,emails.value" })).toEqual({
      schemas: [CORE, ENT],
      id: "u1",
      name: { givenName: "Barbara" },
      emails: [{ value: "b@x" }, { value: "h@x" }],
    });
  });

  it("attributes: a sub-attribute does not narrow an attribute also asked for whole", () => {
    expect(p({ attributes: "name.givenName,name" }).name).toEqual(user().name);
  });

  it("attributes: URN-qualified extension attribute, and the bare URN for the whole extension", () => {
    expect(p({ attributes: `${ENT}:department` })).toEqual({
      schemas: [CORE, ENT],
      id: "u1",
      [ENT]: { department: "Tour" },
    });
    expect(p({ attributes: `${ENT}:manager.value` })[ENT]).toEqual({ manager: { value: "m1" } });
    expect(p({ attributes: ENT })[ENT]).toEqual(user()[ENT]);
    expect(p({ attributes: `${CORE}:userName` }).userName).toBe("bjensen");
  });

  it('attributes: emails[type eq "work"] is taken as emails (Postman)', () => {
    expect(p({ attributes: 'emails[type eq "work"]' })).toEqual({
      schemas: [CORE, ENT],
      id: "u1",
      emails: user().emails,
    });
    expect(p({ attributes: 'emails[type eq "a,b"],userName' }).userName).toBe("bjensen");
  });

  it("attributes: unknown names are ignored", () => {
    expect(p({ attributes: "shoeSize,userName,urn:x:y:z" })).toEqual({
      schemas: [CORE, ENT],
      id: "u1",
      userName: "bjensen",
    });
  });

  it("excludedAttributes: removes attributes and sub-attributes", () => {
    const out = p({ excludedAttributes: "emails,name.familyName,meta" });
    expect(out).not.toHaveProperty("emails");
    expect(out).not.toHaveProperty("meta");
    expect(out.name).toEqual({ givenName: "Barbara" });
    expect(out.userName).toBe("bjensen");
  });

  it("excludedAttributes: extension attributes, and the whole extension by its URN", () => {
    expect(p({ excludedAttributes: `${ENT}:manager` })[ENT]).toEqual({ department: "Tour" });
    const out = p({ excludedAttributes: ENT.toLowerCase() });
    expect(out).not.toHaveProperty(ENT);
    expect(out.schemas).toEqual([CORE, ENT]);
  });

  it("excludedAttributes: id and schemas cannot be excluded", () => {
    const out = p({ excludedAttributes: "id,schemas,userName" });
    expect(out.id).toBe("u1");
    expect(out.schemas).toEqual([CORE, ENT]);
    expect(out).not.toHaveProperty("userName");
  });

  it("excludedAttributes=members on a group (Entra relies on it)", () => {
    expect(project(group(), GROUP_RESOURCE, { excludedAttributes: "members" })).toEqual({
      schemas: group().schemas,
      id: "g1",
      displayName: "Tour Guides",
      meta: { resourceType: "Group" },
    });
    expect(project(group(), GROUP_RESOURCE, { attributes: "members" }).members).toEqual(group().members);
  });

  it('never outputs returned: "never"; "request" only when asked for', () => {
    const rs: ResourceSchema = {
      ...USER_RESOURCE,
      core: {
        ...USER_RESOURCE.core,
        attributes: USER_RESOURCE.core.attributes.map((a) =>
          a.name === "title"
            ? { ...a, returned: "never" as const }
            : a.name === "nickName"
              ? { ...a, returned: "request" as const }
              : a,
        ),
      },
    };
    const doc = { ...user(), title: "secret", nickName: "Babs" };
    expect(project(doc, rs, {})).not.toHaveProperty("title");
    expect(project(doc, rs, {})).not.toHaveProperty("nickName");
    expect(project(doc, rs, { attributes: "title,nickName" })).toEqual({
      schemas: [CORE, ENT],
      id: "u1",
      nickName: "Babs",
    });
  });

  it("does not change its input", () => {
    const input = user();
    project(input, USER_RESOURCE, { attributes: "name.givenName", excludedAttributes: "emails" });
    expect(input).toEqual(user());
  });
});
