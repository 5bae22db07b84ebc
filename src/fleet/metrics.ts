import type { Env } from "../platform/env";

/** One SCIM request, as the vendor charts it (docs/fleet.md, "Metrics"). */
export interface RequestPoint {
  /** The tenant slug, or "" when the URL names no tenant of this cell. */
  tenant: string;
  cell: string;
  /** Method and route with ids left out: `GET /Users/:id`, `POST /.search`. */
  route: string;
  status: number;
  /** Why it failed (scim/reasons.ts, or `auth:<why>` for a refused token); "" when it did not. */
  reason: string;
  latencyMs: number;
  /** D1 round trips the Worker made for it (the group Durable Object's own are not counted). */
  roundTrips: number;
}

/** Where data points go: Workers Analytics Engine in a deployed cell. */
export interface MetricsSink {
  write(point: RequestPoint): void;
}

/**
 * The Analytics Engine sink. Index: the tenant (Analytics Engine samples per index, so each
 * tenant's figures stay representative however busy the others are). blob1 cell, blob2 route,
 * blob3 reason; double1 status, double2 latency in ms, double3 D1 round trips. writeDataPoint
 * returns at once and never throws for the caller (it is sent after the response); without
 * the binding nothing is written.
 */
export function analyticsSink(env: Env): MetricsSink {
  const dataset = env.METRICS;
  return {
    write(p) {
      if (!dataset) return;
      try {
        dataset.writeDataPoint({
          indexes: [p.tenant],
          blobs: [p.cell, p.route, p.reason],
          doubles: [p.status, p.latencyMs, p.roundTrips],
        });
      } catch (e) {
        console.warn(JSON.stringify({ msg: "metrics data point not written", error: String(e) }));
      }
    },
  };
}

const RESOURCES = new Set([
  "Users",
  "Groups",
  "Schemas",
  "ResourceTypes",
  "ServiceProviderConfig",
  "serviceConfiguration",
  ".search",
  "Bulk",
  "Roles",
]);

/** `GET /Users/:id` from the method and the path below the tenant's SCIM base; unknown paths are one route. */
export function routeOf(method: string, pathBelowBase: string): string {
  const [first, second] = pathBelowBase.split("/").filter(Boolean);
  if (first === undefined) return `${method} /`;
  if (!RESOURCES.has(first)) return `${method} (other)`;
  return `${method} /${first}${second === undefined ? "" : "/:id"}`;
}
