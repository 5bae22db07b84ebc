import type { Context } from "hono";
import type { AppBindings } from "../platform/env";
import { tenantDatabase } from "../tenants/resolve";
import { isTenantSlug } from "../tenants/slug";
import { missingTable } from "../webhooks/record";
import { publicKeys } from "../webhooks/store";

/** Receivers fetch the keys again when a SET names a kid they do not know; a rotated key stays published a day. */
const MAX_AGE_SECONDS = 300;

/**
 * `GET /t/<tenant>/events/jwks.json`: the public keys that verify the tenant's SETs, with no
 * credential (they are public, and a receiver then needs no token that opens anything). One
 * small indexed read, nothing written. A slug that names no tenant, or a tenant that never
 * signed a SET, answers the same empty set, so the URL tells nothing about which tenants exist;
 * a slug no tenant could have is 404, as everywhere.
 */
export async function eventsJwksRoute(c: Context<AppBindings>): Promise<Response> {
  const slug = c.req.param("tenant") ?? "";
  if (!isTenantSlug(slug)) return c.notFound() as Response;
  const db = tenantDatabase(c.env, slug);
  let keys: JsonWebKey[] = [];
  if (db) {
    try {
      keys = (await publicKeys(db)).keys;
    } catch (e) {
      if (!missingTable(e)) throw e; // a database not migrated for events has no keys
    }
  }
  return c.json({ keys }, 200, {
    "Content-Type": "application/jwk-set+json",
    "Cache-Control": `public, max-age=${MAX_AGE_SECONDS}`,
    "Access-Control-Allow-Origin": "*",
  });
}
