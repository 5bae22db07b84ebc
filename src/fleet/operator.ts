import type { MiddlewareHandler } from "hono";
import type { AppBindings } from "../platform/env";
import { ScimError } from "../scim/errors";
import { bearerToken, timingSafeEqualText } from "../tenants/auth";
import { sha256Hex } from "../tenants/tokens";

const HEX64 = /^[0-9a-f]{64}$/;
/** An operator token is long random text; anything far longer is refused before hashing. */
const MAX_TOKEN = 512;

/**
 * The vendor operators' credential for /fleet/api, until operators sign in as people: a bearer
 * token whose SHA-256 (hex) is the Worker secret FLEET_TOKEN_SHA256 (`wrangler secret put`), so
 * the Worker keeps only the hash; the comparison is constant-time. Without the secret every
 * request is refused: the fleet API is off. Refusals are counted by the same per-address limit
 * as tenants' (http/auth-failures.ts is not involved: this answers before any tenant is named).
 */
export const operatorOnly: MiddlewareHandler<AppBindings> = async (c, next) => {
  const expected = (c.env.FLEET_TOKEN_SHA256 ?? "").trim().toLowerCase();
  const token = bearerToken(c.req.header("Authorization"));
  const good =
    HEX64.test(expected) &&
    token !== undefined &&
    token.length <= MAX_TOKEN &&
    timingSafeEqualText(await sha256Hex(token), expected);
  if (!good) throw new ScimError(401, "A vendor operator token is required.");
  await next();
};
