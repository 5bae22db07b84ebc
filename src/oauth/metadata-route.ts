import type { Context } from "hono";
import { publicBase } from "../http/public-url";
import type { AppBindings } from "../platform/env";
import { isTenantSlug } from "../tenants/slug";
import { authorizationServerMetadata } from "./metadata";

/**
 * RFC 8414 §3: `GET /.well-known/oauth-authorization-server/t/<tenant>` (the well-known segment
 * inserted before the issuer's path, §3.1) and, for clients that append it to the issuer,
 * `GET /t/<tenant>/.well-known/oauth-authorization-server`. No credential: the document is
 * public. Computed from the slug alone, so a slug that names no tenant answers alike; a slug no
 * tenant could have (`/t/Not_A_Slug`) is 404.
 */
export function metadataRoute(c: Context<AppBindings>): Response {
  const slug = c.req.param("tenant") ?? "";
  if (!isTenantSlug(slug)) return c.notFound() as Response;
  return c.json(authorizationServerMetadata(publicBase(c.env, c.req.url), slug), 200, {
    "Cache-Control": "public, max-age=3600",
    "Access-Control-Allow-Origin": "*",
  });
}
