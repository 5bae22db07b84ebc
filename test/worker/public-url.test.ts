import { SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { entraUser, issueToken } from "./helpers";
import { fetchWorker } from "./instrumented";

/**
 * Issue 12: Location and meta.location come from PUBLIC_BASE_URL (wrangler.toml) when it is
 * set, never from the Host a client sent; empty (the default) means the request's own origin.
 */
describe("public base URL", () => {
  const post = (origin: string, token: string, path: string, body: unknown) =>
    new Request(`${origin}/t/acme${path}`, {
      method: "POST",
      headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/scim+json" },
      body: JSON.stringify(body),
    });
  const get = (origin: string, token: string, path: string) =>
    new Request(`${origin}/t/acme${path}`, { headers: { Authorization: `Bearer ${token}` } });

  it("by default, is the request's origin", async () => {
    const { token } = await issueToken("acme");
    const res = await SELF.fetch(post("https://other-host.test", token, "/scim/v2/Users", entraUser()));
    expect(res.status).toBe(201);
    const user = (await res.json()) as { id: string; meta: { location: string } };
    expect(res.headers.get("Location")).toBe(`https://other-host.test/t/acme/scim/v2/Users/${user.id}`);
    expect(user.meta.location).toBe(res.headers.get("Location"));
  });

  it("when set, is used for every Location, meta.location and Tenant URL, whatever host was asked", async () => {
    const { token } = await issueToken("acme");
    const vars = { PUBLIC_BASE_URL: "https://scim.example.com/edge/" };
    const base = "https://scim.example.com/edge/t/acme/scim/v2";
    const evil = "https://evil.test";

    const created = await fetchWorker(post(evil, token, "/scim/v2/Users", entraUser()), vars);
    expect(created.status).toBe(201);
    const user = (await created.json()) as { id: string; userName: string; meta: { location: string } };
    expect(created.headers.get("Location")).toBe(`${base}/Users/${user.id}`);
    expect(user.meta.location).toBe(`${base}/Users/${user.id}`);

    const list = await fetchWorker(
      get(evil, token, `/scim/v2/Users?filter=${encodeURIComponent(`userName eq "${user.userName}"`)}`),
      vars,
    );
    expect(((await list.json()) as { Resources: { meta: { location: string } }[] }).Resources[0].meta.location).toBe(
      `${base}/Users/${user.id}`,
    );

    const group = await fetchWorker(
      post(evil, token, "/scim/v2/Groups", {
        schemas: ["urn:ietf:params:scim:schemas:core:2.0:Group"],
        displayName: `G ${user.id}`,
      }),
      vars,
    );
    expect(group.status).toBe(201);
    expect(group.headers.get("Location")).toMatch(new RegExp(`^${base}/Groups/[^/]+$`));

    const spc = await fetchWorker(get(evil, token, "/scim/v2/ServiceProviderConfig"), vars);
    expect(((await spc.json()) as { meta: { location: string } }).meta.location).toBe(`${base}/ServiceProviderConfig`);

    const admin = await issueToken("acme", "admin");
    const rotated = await fetchWorker(
      new Request(`${evil}/t/acme/admin/api/token`, {
        method: "POST",
        headers: { Authorization: `Bearer ${admin.token}`, "Content-Type": "application/json" },
        body: "{}",
      }),
      vars,
    );
    expect(rotated.status).toBe(201);
    expect(((await rotated.json()) as { tenantUrl: string }).tenantUrl).toBe(base);
  });

  it("a value that is not an absolute http(s) URL is ignored, never a 500", async () => {
    const { token } = await issueToken("acme");
    for (const value of ["scim.example.com", "ftp://scim.example.com", "https://scim.example.com/?x=1"]) {
      const res = await fetchWorker(post("https://asked.test", token, "/scim/v2/Users", entraUser()), {
        PUBLIC_BASE_URL: value,
      });
      expect(res.status, value).toBe(201);
      expect(res.headers.get("Location"), value).toMatch(/^https:\/\/asked\.test\/t\/acme\/scim\/v2\/Users\//);
    }
  });
});
