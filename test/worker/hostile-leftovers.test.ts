/**
 * Three leftovers of the hostile-input corpus, each refused with 400 and changing nothing: a lone
 * surrogate escape in a JSON string, a `.search` body naming another message's schema, and a
 * managed Apple ID setting carrying a field its mode does not use.
 */
import { describe, expect, it } from "vitest";
import { adminClient, createUser, entraUser, newClient, patchOp, scimError } from "./helpers";

const SEARCH = "urn:ietf:params:scim:api:messages:2.0:SearchRequest";

describe("hostile input leftovers", () => {
  it("a lone surrogate escape in a SCIM body is 400 and nothing is stored", async () => {
    const c = await newClient();
    const user = entraUser();
    const raw = JSON.stringify({ ...user, displayName: "PLACEHOLDER" }).replace("PLACEHOLDER", "Ann \\ud800 Lee");
    const res = await c.post("/Users", raw);
    expect(res.status).toBe(400);
    const err = await scimError(res);
    expect(err.scimType).toBe("invalidValue");
    expect(err.detail).toMatch(/^displayName holds a lone UTF-16 surrogate/);
    const found = await (await c.get(`/Users?filter=userName eq "${user.userName}"`)).json<any>();
    expect(found.totalResults).toBe(0);

    const u = await createUser(c);
    for (const bad of ['"\\udc00"', '"a\\ud83d"', '"\\ud83d\\ud83d"']) {
      const body = JSON.stringify(patchOp({ op: "replace", path: "displayName", value: "X" })).replace('"X"', bad);
      expect((await c.patch(`/Users/${u.id}`, body)).status, bad).toBe(400);
    }
    const key = JSON.stringify(entraUser()).replace('"displayName"', '"display\\udfffName"');
    expect((await c.post("/Users", key)).status).toBe(400);
    const after = await (await c.get(`/Users/${u.id}`)).json<any>();
    expect(after.meta.version).toBe(u.meta.version);
    // A well-formed pair, escaped or not, is text.
    const pair = JSON.stringify(patchOp({ op: "replace", path: "displayName", value: "X" })).replace(
      '"X"',
      '"\\ud83d\\ude00 😀"',
    );
    expect((await c.patch(`/Users/${u.id}`, pair)).status).toBe(204);
    expect((await (await c.get(`/Users/${u.id}`)).json<any>()).displayName).toBe("😀 😀");
  });

  it("a lone surrogate escape in an admin API body is 400 and changes nothing", async () => {
    const admin = await adminClient();
    const before = await (await admin.get("/settings")).json<any>();
    const res = await admin.put("/settings", '{"inviteSubject":"Hi \\ud800"}');
    expect(res.status).toBe(400);
    expect((await res.json<any>()).error.message).toMatch(/inviteSubject holds a lone UTF-16 surrogate/);
    expect((await (await admin.get("/settings")).json<any>()).inviteSubject).toBe(before.inviteSubject);
  });

  it("a .search body whose schemas is not the SearchRequest message is 400", async () => {
    const c = await newClient();
    for (const path of ["/Users/.search", "/Groups/.search"]) {
      for (const schemas of [["urn:evil"], [SEARCH, "urn:evil"], [], "urn:evil", [42]]) {
        const res = await c.post(path, { schemas, count: 1 });
        expect(res.status, `${path} ${JSON.stringify(schemas)}`).toBe(400);
        expect((await scimError(res)).scimType).toBe("invalidSyntax");
      }
      expect((await c.post(path, { schemas: [SEARCH], count: 1 })).status).toBe(200);
      expect((await c.post(path, { count: 1 })).status).toBe(200);
    }
  });

  it("P21 settings with managedAppleId mode off and an attribute are 400, with no change and no audit entry", async () => {
    const admin = await adminClient();
    const audit = async () => (await (await admin.get("/audit?action=settings&limit=200")).json<any>()).entries.length;
    const entries = await audit();
    const before = await (await admin.get("/settings")).json<any>();
    for (const mode of ["off", "email", "email-appleid"]) {
      const res = await admin.put("/settings", { managedAppleId: { mode, attribute: "x" } });
      expect(res.status, mode).toBe(400);
      expect((await res.json<any>()).error.message).toMatch(/managedAppleId/);
    }
    expect(await (await admin.get("/settings")).json<any>()).toEqual(before);
    expect(await audit()).toBe(entries);
  });
});
