import { SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { type Client, auditRows, createUser, entraUser, eventually, newClient, patchOp, scimError } from "./helpers";

/**
 * Each malformed request gets its SCIM error (status, scimType) and changes nothing:
 * after every request the user is byte-for-byte what it was, version included.
 */
type Case = [name: string, send: (c: Client, id: string) => Promise<Response>, status: number, scimType?: string];

const raw = (c: Client, method: string, path: string, body: string, type = "application/scim+json") =>
  c.fetch(method, path, body, { "Content-Type": type });

const CASES: Case[] = [
  ["malformed JSON", (c) => raw(c, "POST", "/Users", '{"userName": "x",'), 400, "invalidSyntax"],
  ["JSON that is not an object", (c) => raw(c, "POST", "/Users", "[1,2]"), 400, "invalidSyntax"],
  ["empty body", (c) => raw(c, "POST", "/Users", ""), 400, "invalidSyntax"],
  ["wrong content type", (c) => raw(c, "POST", "/Users", "userName=x", "application/x-www-form-urlencoded"), 415, "invalidSyntax"],
  ["body over the size limit", (c) => raw(c, "POST", "/Users", JSON.stringify({ userName: "x".repeat(3 * 1024 * 1024) })), 413],
  ["invalid filter", (c) => c.get("/Users?filter=userName%20eq"), 400, "invalidFilter"],
  ["filter on an unknown attribute", (c) => c.get("/Users?filter=shoeSize%20eq%20%2242%22"), 400, "invalidFilter"],
  ["unbalanced parentheses", (c) => c.get("/Users?filter=(userName%20eq%20%22a%22"), 400, "invalidFilter"],
  ["non-integer startIndex", (c) => c.get("/Users?startIndex=abc"), 400, "invalidValue"],
  ["sortOrder not ascending/descending", (c) => c.get("/Users?sortOrder=up"), 400, "invalidValue"],
  ["PATCH with an invalid path", (c, id) => c.patch(`/Users/${id}`, patchOp({ op: "replace", path: "emails[type eq", value: "x" })), 400, "invalidPath"],
  ["PATCH of an unknown attribute", (c, id) => c.patch(`/Users/${id}`, patchOp({ op: "replace", path: "shoeSize", value: "x" })), 400, "invalidPath"],
  ["PATCH of a read-only attribute", (c, id) => c.patch(`/Users/${id}`, patchOp({ op: "replace", path: "meta.created", value: "2020-01-01T00:00:00Z" })), 400, "mutability"],
  ["PATCH of id", (c, id) => c.patch(`/Users/${id}`, patchOp({ op: "replace", path: "id", value: "other" })), 400, "mutability"],
  ["PATCH with an unknown op", (c, id) => c.patch(`/Users/${id}`, patchOp({ op: "merge", path: "title", value: "x" })), 400],
  ["PATCH without Operations", (c, id) => c.patch(`/Users/${id}`, { schemas: ["urn:ietf:params:scim:api:messages:2.0:PatchOp"] }), 400, "invalidSyntax"],
  ["PATCH remove without path", (c, id) => c.patch(`/Users/${id}`, patchOp({ op: "remove" })), 400, "noTarget"],
  ["PATCH with a wrong value type", (c, id) => c.patch(`/Users/${id}`, patchOp({ op: "replace", path: "active", value: "maybe" })), 400, "invalidValue"],
  ["PATCH with an object for a string", (c, id) => c.patch(`/Users/${id}`, patchOp({ op: "replace", path: "title", value: { a: 1 } })), 400, "invalidValue"],
  ["PUT with a wrong value type", (c, id) => c.put(`/Users/${id}`, { userName: 42 }), 400, "invalidValue"],
  ["PUT without userName", (c, id) => c.put(`/Users/${id}`, { displayName: "x" }), 400, "invalidValue"],
  ["POST with emails not a list of objects", (c) => c.post("/Users", { userName: "q@x", emails: 5, name: { givenName: "a", familyName: "b" } }), 400, "invalidValue"],
  ["method not allowed", (c, id) => c.fetch("POST", `/Users/${id}`, {}), 405],
  ["method not allowed on the collection", (c) => c.fetch("DELETE", "/Users"), 405],
  ["unknown user id", (c) => c.get("/Users/does-not-exist"), 404],
  ["unknown endpoint", (c) => c.get("/Widgets"), 404],
  // Issue 12: an id that is not valid percent-encoding is an unknown id, never a 500.
  ["PUT of an id with bad percent-encoding", (c) => c.put("/Users/%ZZ", entraUser()), 404],
  ["PATCH of an id with an overlong UTF-8 encoding", (c) => c.patch("/Users/%C0%AF", patchOp({ op: "replace", path: "title", value: "x" })), 404],
  ["DELETE of an id with bad percent-encoding", (c) => c.del("/Users/%ZZ"), 404],
  ["GET of an id with bad percent-encoding", (c) => c.get("/Users/%E0%A4%A"), 404],
  ["PATCH of a group id with bad percent-encoding", (c) => c.patch("/Groups/%ZZ", patchOp({ op: "replace", path: "displayName", value: "x" })), 404],
  ["DELETE of a group id with an overlong UTF-8 encoding", (c) => c.del("/Groups/%C0%AF"), 404],
];

describe("malformed requests get a SCIM error and change nothing", () => {
  let client: Client;
  let user: Record<string, any>;

  it.each(CASES)("%s", async (_name, send, status, scimType) => {
    client ??= await newClient();
    user ??= await createUser(client);
    const before = await (await client.get(`/Users/${user.id}`)).text();
    const res = await send(client, user.id);
    expect(res.status).toBe(status);
    const body = await scimError(res);
    if (scimType) expect(body.scimType).toBe(scimType);
    expect(body.detail.length).toBeGreaterThan(0);
    expect(await (await client.get(`/Users/${user.id}`)).text()).toBe(before);
  });

  it("never answers 500, not even to garbage", async () => {
    const c = await newClient();
    const u = await createUser(c);
    const garbage = ["%", "\u0000", '{"Operations":[{"op":"add","path":"emails[value eq \\"x\\"]]"}]}', '{"Operations":[null]}', "{\"userName\":{}}", "null"];
    for (const g of garbage) {
      for (const [m, p] of [["POST", "/Users"], ["PATCH", `/Users/${u.id}`], ["PUT", `/Users/${u.id}`], ["POST", "/Users/.search"]]) {
        const res = await raw(c, m, p, g);
        expect(res.status, `${m} ${p} ${g}`).toBeLessThan(500);
        // A search body that is a JSON object with unknown keys is a valid search.
        if (res.status >= 400) await scimError(res);
      }
    }
    for (const q of ["filter=%ZZ", "filter=" + "(".repeat(500), "attributes=" + "a,".repeat(2000), "sortBy=urn:x:y", "count=1e9"]) {
      const res = await SELF.fetch(`${c.base}/Users?${q}`, { headers: { Authorization: "Bearer x" } });
      expect(res.status).toBeLessThan(500);
    }
    // Without a good token the answer is the bare 401, whatever the id's encoding.
    for (const [m, p] of [["PUT", "/Users/%ZZ"], ["PATCH", "/Users/%C0%AF"], ["DELETE", "/Groups/%ZZ"]]) {
      const res = await SELF.fetch(`${c.base}${p}`, { method: m, headers: { Authorization: "Bearer x" }, body: m === "DELETE" ? undefined : "{}" });
      expect(res.status, `${m} ${p}`).toBe(401);
    }
  });

  it("audits the refusal of a write whose id is bad percent-encoding (P23), as sent", async () => {
    const c = await newClient();
    const id = `%ZZ${crypto.randomUUID()}`;
    const res = await c.del(`/Users/${id}`);
    expect(res.status).toBe(404);
    await scimError(res);
    const rows = await eventually(async () => {
      const r = await auditRows("acme", id);
      return r.length > 0 && r;
    });
    expect(rows).toEqual([expect.objectContaining({ action: "refused", detail: expect.objectContaining({ method: "DELETE", status: 404 }) })]);
  });
});
