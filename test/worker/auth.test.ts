import { SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { ORIGIN, issueToken, scimClient, scimError, tenantDb } from "./helpers";

const usersUrl = (tenant: string) => `${ORIGIN}/t/${tenant}/scim/v2/Users`;

async function expect401(res: Response) {
  expect(res.status).toBe(401);
  expect(res.headers.get("WWW-Authenticate")).toMatch(/^Bearer/);
  const body = await scimError(res);
  expect(body.detail).toMatch(/token/);
}

describe("authentication (P1, P2)", () => {
  it("P1 a tenant's own token opens its Tenant URL", async () => {
    const { token } = await issueToken("acme");
    const res = await scimClient("acme", token).get("/Users?filter=userName+eq+%22nobody%22");
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ totalResults: 0, Resources: [] });
  });

  it("refuses a request without a token", async () => {
    await expect401(await SELF.fetch(usersUrl("acme")));
  });

  it("refuses a malformed Authorization header", async () => {
    for (const header of ["Basic dXNlcjpwYXNz", "Bearer", "Bearer not-a-token", "scim_abc", "Bearer  "]) {
      await expect401(await SELF.fetch(usersUrl("acme"), { headers: { Authorization: header } }));
    }
  });

  it("refuses a well-formed token nobody issued", async () => {
    const fake = `scim_${"A".repeat(43)}`;
    await expect401(await scimClient("acme", fake).get("/Users"));
  });

  it("refuses another tenant's token and reveals nothing of that tenant", async () => {
    const { token } = await issueToken("globex");
    const res = await scimClient("acme", token).get("/Users");
    await expect401(res);
  });

  it("refuses the admin token on the SCIM API", async () => {
    const { token } = await issueToken("acme", "admin");
    await expect401(await scimClient("acme", token).get("/Users"));
  });

  it("P2 a rotated-away token stops working at once, even while KV still knows it", async () => {
    const { token, id } = await issueToken("acme");
    const client = scimClient("acme", token);
    expect((await client.get("/Users")).status).toBe(200);
    // Rotation as the CLI does it: the tenant's D1 is the truth; KV keeps the old key for a while.
    await tenantDb("acme").prepare("UPDATE tokens SET revoked = ?1 WHERE id = ?2").bind(new Date().toISOString(), id).run();
    await expect401(await client.get("/Users"));
  });

  it("answers nothing but 401 to a bad token: no 400, 404 or 405 detail, no data", async () => {
    const fake = scimClient("acme", `scim_${"B".repeat(43)}`);
    const requests = [
      fake.get("/Widgets"),
      fake.fetch("DELETE", "/Users"),
      fake.post("/Users", "{not json"),
      fake.get("/Users?filter=userName%20eq"),
      fake.get("/Users/does-not-exist"),
      fake.get("/ServiceProviderConfig"),
      fake.patch("/Groups/nope", { Operations: [] }),
    ];
    for (const res of await Promise.all(requests)) await expect401(res);
  });

  it("answers 404 for a tenant this Worker does not serve", async () => {
    const { token } = await issueToken("acme");
    const res = await scimClient("nope", token).get("/Users");
    expect(res.status).toBe(404);
    await scimError(res);
  });

  it("answers 404 for a tenant slug that is not a slug", async () => {
    const res = await SELF.fetch(`${ORIGIN}/t/..%2F/scim/v2/Users`);
    expect(res.status).toBe(404);
  });
});
