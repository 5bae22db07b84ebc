import { describe, expect, it } from "vitest";
import { routeOf } from "../../src/fleet/metrics";
import { ORIGIN, entraUser, issueToken, tenantDb } from "./helpers";
import { fetchWorker, tracedD1 } from "./instrumented";

/**
 * Every SCIM request writes one Analytics Engine data point. Locally the dataset drops what it is
 * given, so the test stands at that boundary: the binding is an object recording what
 * writeDataPoint is called with, which is exactly what Cloudflare would store.
 */
function recordingDataset() {
  const points: AnalyticsEngineDataPoint[] = [];
  return { points, dataset: { writeDataPoint: (p?: AnalyticsEngineDataPoint) => void points.push(p!) } };
}

async function scim(method: string, path: string, token: string, overrides: Record<string, unknown>, body?: unknown) {
  const res = await fetchWorker(
    new Request(`${ORIGIN}/t/acme/scim/v2${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, "content-type": "application/scim+json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    }),
    overrides,
  );
  await res.arrayBuffer();
  return res;
}

describe("metrics: one Analytics Engine data point per SCIM request", () => {
  it("carries the tenant as index; cell, route and reason as blobs; status, latency and D1 round trips as doubles", async () => {
    const { token } = await issueToken("acme");
    const { points, dataset } = recordingDataset();
    const trips: string[][] = [];
    const overrides = { METRICS: dataset, CELL: "eu-1", TENANT_ACME: tracedD1(tenantDb("acme"), [], trips) };

    const created = await scim("POST", "/Users", token, overrides, entraUser());
    expect(created.status).toBe(201);
    const id = (created.headers.get("Location") ?? "").split("/").pop();
    const before = trips.length;
    expect((await scim("GET", `/Users/${id}`, token, overrides)).status).toBe(200);
    const getTrips = trips.length - before;
    expect((await scim("POST", "/Users", token, overrides, { schemas: ["x"] })).status).toBe(400);
    expect((await scim("GET", "/Users", "scim_" + "A".repeat(43), overrides)).status).toBe(401);

    expect(points).toHaveLength(4);
    expect(points.map((p) => p.indexes)).toEqual([["acme"], ["acme"], ["acme"], ["acme"]]);
    expect(points.map((p) => p.blobs?.slice(0, 2))).toEqual([
      ["eu-1", "POST /Users"],
      ["eu-1", "GET /Users/:id"],
      ["eu-1", "POST /Users"],
      ["eu-1", "GET /Users"],
    ]);
    expect(points.map((p) => p.doubles?.[0])).toEqual([201, 200, 400, 401]);
    expect(points[0].blobs?.[2]).toBe("");
    expect(points[2].blobs?.[2]).not.toBe("");
    expect(points[3].blobs?.[2]).toBe("auth:unknown");
    for (const p of points) expect(p.doubles?.[1]).toBeGreaterThanOrEqual(0);
    // The round trips counted are the ones the tenant's D1 saw.
    expect(points[1].doubles?.[2]).toBe(getTrips);
    expect(getTrips).toBeGreaterThanOrEqual(1);
  });

  it("an unknown tenant's request is a point with an empty index; admin requests write none", async () => {
    const { points, dataset } = recordingDataset();
    const res = await fetchWorker(new Request(`${ORIGIN}/t/nobody/scim/v2/Users`), { METRICS: dataset });
    expect(res.status).toBe(401);
    const admin = await fetchWorker(new Request(`${ORIGIN}/t/acme/admin/api/users`), { METRICS: dataset });
    expect(admin.status).toBe(401);
    expect(points).toEqual([
      { indexes: [""], blobs: ["default", "GET /Users", "auth:unknown"], doubles: [401, expect.any(Number), 0] },
    ]);
  });

  it("routes leave ids out and put unknown paths together", () => {
    expect(routeOf("PATCH", "/Groups/123")).toBe("PATCH /Groups/:id");
    expect(routeOf("POST", "/.search")).toBe("POST /.search");
    expect(routeOf("GET", "/Whatever/x/y")).toBe("GET (other)");
    expect(routeOf("GET", "")).toBe("GET /");
  });
});
