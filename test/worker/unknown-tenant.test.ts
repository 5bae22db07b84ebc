import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { ORIGIN, issueToken } from "./helpers";
import { fetchWorker, tracedD1 } from "./instrumented";

/**
 * A refusal at an unknown tenant slug takes the steps of a refusal at a known one (a
 * D1 round trip for a well-formed token, nothing for a malformed one), so its time does not tell
 * slugs apart (`npm run bench:slug-timing` measures it). The round trip reads no table, so no
 * tenant's data is touched. Every tenant database of the Worker is traced here.
 */
const tenantBindings = Object.keys(env as object).filter((k) => k.startsWith("TENANT_"));

async function traced(slug: string, authorization?: string) {
  const trips: string[][] = [];
  const overrides = Object.fromEntries(
    tenantBindings.map((k) => [k, tracedD1((env as unknown as Record<string, D1Database>)[k], [], trips)]),
  );
  const req = new Request(`${ORIGIN}/t/${slug}/scim/v2/Users?filter=userName+eq+%22a%22`, {
    headers: { ...(authorization ? { Authorization: authorization } : {}), "CF-Connecting-IP": "192.0.2.77" },
  });
  const res = await fetchWorker(req, overrides);
  return { status: res.status, trips };
}

describe("an unknown tenant slug costs what a known one refusing the token costs", () => {
  it("a well-formed token pays one D1 round trip of the token check's shape, reading no table", async () => {
    const { token: otherTenants } = await issueToken("acme");
    for (const token of [`scim_${"C".repeat(43)}`, `scimat_${"C".repeat(43)}`, otherTenants]) {
      const unknown = await traced("nope", `Bearer ${token}`);
      expect(unknown.status).toBe(401);
      expect(unknown.trips).toHaveLength(1);
      expect(unknown.trips[0]).toHaveLength(2);
      for (const sql of unknown.trips[0]) expect(sql).not.toMatch(/\bFROM\b/i);
      // A known slug refusing the same token: one round trip too (the token check's batch).
      const known = await traced("globex", `Bearer ${token}`);
      expect(known.status).toBe(401);
      expect(known.trips).toHaveLength(1);
    }
  });

  it("a missing or malformed token pays no round trip, at a known slug or an unknown one", async () => {
    for (const auth of [undefined, "Bearer x", `Basic ${btoa("a:b")}`]) {
      for (const slug of ["nope", "globex"]) {
        const r = await traced(slug, auth);
        expect(r.status).toBe(401);
        expect(r.trips).toEqual([]);
      }
    }
  });
});
