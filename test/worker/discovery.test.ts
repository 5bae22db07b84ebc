import { describe, expect, it } from "vitest";
import { MAX_PAGE_SIZE } from "../../src/scim/list";
import { MAX_BODY_BYTES } from "../../src/scim/limits";
import { newClient } from "./helpers";

describe("discovery", () => {
  it("ServiceProviderConfig says what is supported and what is not", async () => {
    const c = await newClient();
    const res = await c.get("/ServiceProviderConfig");
    expect(res.status).toBe(200);
    const spc = await res.json<any>();
    expect(spc).toMatchObject({
      patch: { supported: true },
      bulk: { supported: true, maxOperations: 1000, maxPayloadSize: 2 * 1024 * 1024 },
      filter: { supported: true },
      sort: { supported: true },
      etag: { supported: true },
      changePassword: { supported: false },
    });
    expect(spc.authenticationSchemes[0].type).toBe("oauthbearertoken");
  });

  it("ServiceProviderConfig publishes the limits RFC 7643 has a place for (body size, results per page)", async () => {
    const spc = await (await (await newClient()).get("/ServiceProviderConfig")).json<any>();
    expect(spc.bulk.maxPayloadSize).toBe(MAX_BODY_BYTES);
    expect(spc.filter.maxResults).toBe(MAX_PAGE_SIZE);
  });

  it("ServiceProviderConfig has RFC 9865's pagination: cursors beside index paging, index the default", async () => {
    const spc = await (await (await newClient()).get("/ServiceProviderConfig")).json<any>();
    expect(spc.pagination).toEqual({
      cursor: true,
      index: true,
      defaultPaginationMethod: "index",
      defaultPageSize: 100,
      maxPageSize: 1000,
      cursorTimeout: 3600,
    });
  });

  it("ResourceTypes lists Users first with the enterprise extension", async () => {
    const c = await newClient();
    const rt = await (await c.get("/ResourceTypes")).json<any>();
    expect(rt.Resources[0]).toMatchObject({
      name: "User",
      endpoint: "/Users",
      schemaExtensions: [
        { schema: "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User", required: false },
        { schema: "urn:ietf:params:scim:schemas:extension:ivanti:2.0:User", required: false },
      ],
    });
    expect((await c.get("/ResourceTypes/User")).status).toBe(200);
  });

  it("Schemas describes the User attributes with their case rules", async () => {
    const c = await newClient();
    const schemas = await (await c.get("/Schemas")).json<any>();
    const user = schemas.Resources.find((s: any) => s.id === "urn:ietf:params:scim:schemas:core:2.0:User");
    const userName = user.attributes.find((a: any) => a.name === "userName");
    expect(userName).toMatchObject({ caseExact: false, uniqueness: "server", required: true });
    const one = await c.get("/Schemas/urn:ietf:params:scim:schemas:extension:enterprise:2.0:User");
    expect((await one.json<any>()).attributes.map((a: any) => a.name)).toContain("department");
  });
});

describe("endpoint names", () => {
  it("are matched case-insensitively, ids are not", async () => {
    const c = await newClient();
    for (const p of ["/users", "/USERS?count=1", "/groups", "/schemas", "/resourcetypes", "/serviceproviderconfig"]) {
      expect((await c.get(p)).status, p).toBe(200);
    }
    expect((await c.post("/users/.SEARCH", { count: 1 })).status).toBe(200);
  });
});
