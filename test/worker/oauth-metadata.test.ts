import { SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { ORIGIN } from "./helpers";

const get = (path: string) => SELF.fetch(`${ORIGIN}${path}`);

describe("RFC 8414 authorization server metadata, per tenant", () => {
  it("answers at the well-known URL with the issuer's path (§3.1) and under the tenant's path, without a credential", async () => {
    const inserted = await get("/.well-known/oauth-authorization-server/t/acme");
    const appended = await get("/t/acme/.well-known/oauth-authorization-server");
    expect(inserted.status).toBe(200);
    expect(inserted.headers.get("Content-Type")).toMatch(/^application\/json/);
    const doc = await inserted.json<any>();
    expect(await appended.json()).toEqual(doc);
    expect(doc).toEqual({
      issuer: `${ORIGIN}/t/acme`,
      token_endpoint: `${ORIGIN}/t/acme/oauth/token`,
      response_types_supported: [],
      grant_types_supported: ["client_credentials"],
      token_endpoint_auth_methods_supported: expect.arrayContaining(["client_secret_basic", "client_secret_post"]),
      token_endpoint_auth_signing_alg_values_supported: ["RS256", "ES256"],
      client_assertion_types_supported: ["urn:ietf:params:oauth:client-assertion-type:jwt-bearer"],
      scopes_supported: ["scim"],
      service_documentation: expect.stringMatching(/^https:\/\//),
    });
  });

  it("names a token endpoint that is there: a client without credentials gets RFC 6749's invalid_client", async () => {
    const doc = await (await get("/.well-known/oauth-authorization-server/t/acme")).json<any>();
    const res = await SELF.fetch(doc.token_endpoint, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: "grant_type=client_credentials",
    });
    expect(res.status).toBe(401);
    expect((await res.json<any>()).error).toBe("invalid_client");
  });

  it("a slug that names no tenant answers alike (status, headers, the same document for its own issuer)", async () => {
    const known = await get("/.well-known/oauth-authorization-server/t/acme");
    const unknown = await get("/.well-known/oauth-authorization-server/t/no-such-tenant");
    expect(unknown.status).toBe(known.status);
    expect([...unknown.headers.keys()].sort()).toEqual([...known.headers.keys()].sort());
    const body = (await unknown.text()).replaceAll("no-such-tenant", "acme");
    expect(body).toBe(await known.text());
  });

  it("a path no tenant could have is 404", async () => {
    expect((await get("/.well-known/oauth-authorization-server/t/Not_A_Slug")).status).toBe(404);
  });
});
