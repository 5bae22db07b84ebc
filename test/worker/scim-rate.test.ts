import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SCIM_RATE_WINDOW_SECONDS } from "../../src/http/scim-rate";
import { adminClient, createUser, newClient, scimError } from "./helpers";

/**
 * The per-tenant ceiling on SCIM requests with a good token, on the real local Rate Limiting
 * bindings. acme is set to the lowest ceiling (50/s), whose count vitest.config.ts lowers to 100
 * per 10 s window so that a burst past it fits in one window here; globex keeps the default
 * (200/s, wrangler.toml's 2,000 per 10 s).
 */
describe("per-tenant SCIM rate ceiling", () => {
  beforeAll(async () => {
    const res = await (await adminClient("acme")).put("/settings", { scimRateLimit: 50 });
    expect(res.status).toBe(200);
  });
  afterAll(async () => {
    await (await adminClient("acme")).put("/settings", { scimRateLimit: 200 });
  });

  it("is a setting with the ceilings a binding exists for; others are refused", async () => {
    const admin = await adminClient("acme");
    expect((await (await admin.get("/settings")).json<any>()).scimRateLimit).toBe(50);
    const bad = await admin.put("/settings", { scimRateLimit: 300 });
    expect(bad.status).toBe(400);
  });

  it(
    "a burst past it gets 429 with Retry-After on every SCIM endpoint; another tenant of the cell is served meanwhile",
    { timeout: 60_000 },
    async () => {
      const acme = await newClient("acme");
      const globex = await newClient("globex");
      const user = await createUser(acme);
      // 300 requests in well under 20 s: however the 10 s windows fall, one of them gets over 100.
      const paths = ["/ServiceProviderConfig", "/Users?count=1", `/Users/${user.id}`, "/Groups?count=1", "/Schemas"];
      const statuses: number[] = [];
      const globexStatuses: number[] = [];
      let limited: Response | undefined;
      for (let round = 0; round < 6; round++) {
        const batch = await Promise.all(Array.from({ length: 50 }, (_, i) => acme.get(paths[i % paths.length])));
        for (const res of batch) {
          statuses.push(res.status);
          if (res.status === 429 && !limited) limited = res;
          else await res.body?.cancel();
        }
        const other = await globex.get("/Users?count=1");
        globexStatuses.push(other.status);
        await other.body?.cancel();
      }
      expect(statuses.filter((s) => s !== 200 && s !== 429)).toEqual([]);
      expect(statuses.filter((s) => s === 429).length).toBeGreaterThan(0);
      expect(globexStatuses.every((s) => s === 200)).toBe(true);
      expect(limited?.headers.get("Retry-After")).toBe(String(SCIM_RATE_WINDOW_SECONDS));
      const err = await scimError(limited as Response);
      expect(err.detail).toMatch(/ceiling of 50 per second/);
      // Writes and /Bulk meet the same ceiling while it lasts.
      const write = await acme.post("/Users", { schemas: ["urn:ietf:params:scim:schemas:core:2.0:User"] });
      const bulk = await acme.post("/Bulk", {
        schemas: ["urn:ietf:params:scim:api:messages:2.0:BulkRequest"],
        Operations: [],
      });
      expect([write.status, bulk.status]).toEqual([429, 429]);
    },
  );
});
