import type { Context, MiddlewareHandler } from "hono";
import type { AppBindings } from "../platform/env";
import { ScimError } from "../scim/errors";
import { bearerToken, timingSafeEqualText } from "../tenants/auth";
import { sha256Hex } from "../tenants/tokens";

const HEX64 = /^[0-9a-f]{64}$/;
/** An operator token is long random text; anything far longer is refused before hashing. */
const MAX_TOKEN = 512;

/** `operator` may change tenants; `support` reads health only and sees no secret (no export). */
export type FleetRole = "operator" | "support";
const roles = new WeakMap<Request, FleetRole>();

/** The role of a token, or null: both hashes are compared, each in constant time. */
export async function roleOfToken(env: AppBindings["Bindings"], token: string | undefined): Promise<FleetRole | null> {
  if (token === undefined || token.length > MAX_TOKEN) return null;
  const hash = await sha256Hex(token);
  const matches = (secret: string | undefined) => {
    const expected = (secret ?? "").trim().toLowerCase();
    return HEX64.test(expected) && timingSafeEqualText(hash, expected);
  };
  const operator = matches(env.FLEET_TOKEN_SHA256);
  const support = matches(env.FLEET_SUPPORT_TOKEN_SHA256);
  return operator ? "operator" : support ? "support" : null;
}

export const fleetRole = (c: Context<AppBindings>): FleetRole | null => roles.get(c.req.raw) ?? null;
export const rememberRole = (c: Context<AppBindings>, role: FleetRole) => roles.set(c.req.raw, role);

/**
 * The vendor operators' credential for /fleet/api, until operators sign in as people: a bearer
 * token whose SHA-256 (hex) is the Worker secret FLEET_TOKEN_SHA256 (`wrangler secret put`), so
 * the Worker keeps only the hash; the comparison is constant-time. FLEET_SUPPORT_TOKEN_SHA256,
 * if set, is a support token: it reads (GET) and nothing else. Without the secrets every request
 * is refused: the fleet API is off. Answers before any tenant is named.
 */
export const operatorOnly: MiddlewareHandler<AppBindings> = async (c, next) => {
  const role = await roleOfToken(c.env, bearerToken(c.req.header("Authorization")));
  if (!role) throw new ScimError(401, "A vendor operator token is required.");
  rememberRole(c, role);
  const reads = c.req.method === "GET" || c.req.method === "HEAD";
  // An export holds the tenant's token hashes and users' data: operators only.
  if (role === "support" && (!reads || c.req.path.endsWith("/export")))
    throw new ScimError(403, "A support token reads tenants' health only; this needs an operator token.");
  await next();
};

/** For a route that changes something, inside the fleet API (the middleware already refused support writes). */
export const requireOperator: MiddlewareHandler<AppBindings> = async (c, next) => {
  if (fleetRole(c) !== "operator")
    throw new ScimError(403, "A support token reads tenants' health only; this needs an operator token.");
  await next();
};
