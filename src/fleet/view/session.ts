import type { Context, MiddlewareHandler } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import { clearFailures, lockedFor, recordFailure } from "../../console/throttle";
import { FAILURE_PERIOD_SECONDS, countFailure } from "../../http/auth-failures";
import { randomBase64url } from "../../platform/base64url";
import type { AppBindings } from "../../platform/env";
import { ScimError } from "../../scim/errors";
import { sha256Hex } from "../../tenants/tokens";
import { cellHealth } from "../health/record";
import { type FleetRole, rememberRole, roleOfToken } from "../operator";

/**
 * Sign-in to the fleet view with an operator or support token, until operators sign in as people
 * (OIDC) : the token is checked once, and a `__Host-` cookie (HttpOnly, Secure, SameSite=Strict)
 * carries a random session id whose SHA-256 the cell's CellHealth object keeps with the role.
 */
export const FLEET_COOKIE = "__Host-fleet";
export const SESSION_HOURS = 8;
const SESSION_ID = /^[A-Za-z0-9_-]{43}$/;
/** The throttle's key: failed fleet sign-ins share one budget per address, apart from tenants'. */
const THROTTLE_KEY = "fleet:";

const clientOf = (c: Context) => c.req.header("CF-Connecting-IP") ?? "local";

export type FleetSignIn = { ok: true } | { ok: false; status: 401 | 429; retryAfter?: number };

export async function fleetSignIn(c: Context<AppBindings>, token: string): Promise<FleetSignIn> {
  const client = clientOf(c);
  const locked = lockedFor(THROTTLE_KEY, client);
  if (locked) return { ok: false, status: 429, retryAfter: locked };
  const role = await roleOfToken(c.env, token.trim() || undefined);
  if (!role) {
    const wait = recordFailure(THROTTLE_KEY, client);
    if (wait) await new Promise((r) => setTimeout(r, wait));
    if (await countFailure(c.env, c.req.raw.headers, "fleet"))
      return { ok: false, status: 429, retryAfter: FAILURE_PERIOD_SECONDS };
    return { ok: false, status: 401 };
  }
  clearFailures(THROTTLE_KEY, client);
  const id = randomBase64url(32);
  const now = Date.now();
  const expires = now + SESSION_HOURS * 3_600_000;
  await cellHealth(c.env).openSession(await sha256Hex(id), role, expires, now);
  setCookie(c, FLEET_COOKIE, id, {
    path: "/",
    secure: true,
    httpOnly: true,
    sameSite: "Strict",
    expires: new Date(expires),
  });
  return { ok: true };
}

export async function fleetSignOut(c: Context<AppBindings>): Promise<void> {
  const id = getCookie(c, FLEET_COOKIE);
  if (id && SESSION_ID.test(id)) await cellHealth(c.env).closeSession(await sha256Hex(id));
  deleteCookie(c, FLEET_COOKIE, { path: "/", secure: true });
}

/** The signed-in role and the session's CSRF token (derived from the id only the browser holds). */
export async function sessionOf(c: Context<AppBindings>): Promise<{ role: FleetRole; csrf: string } | null> {
  const id = getCookie(c, FLEET_COOKIE);
  if (!id || !SESSION_ID.test(id)) return null;
  const role = await cellHealth(c.env).sessionRole(await sha256Hex(id), Date.now());
  if (role !== "operator" && role !== "support") return null;
  return { role, csrf: await sha256Hex(`fleet-csrf:${id}`) };
}

/** Pages behind sign-in: 401 (the error page sends the browser to sign-in); POSTs need the CSRF token. */
export const fleetSession: MiddlewareHandler<AppBindings> = async (c, next) => {
  const session = await sessionOf(c);
  if (!session) throw new ScimError(401, "Sign in with an operator token.");
  rememberRole(c, session.role);
  csrfs.set(c.req.raw, session.csrf);
  if (c.req.method === "POST") {
    const body = await c.req.parseBody();
    const sent = typeof body._csrf === "string" ? body._csrf : "";
    const a = new TextEncoder().encode(sent);
    const b = new TextEncoder().encode(session.csrf);
    if (a.byteLength !== b.byteLength || !crypto.subtle.timingSafeEqual(a, b))
      throw new ScimError(403, "This form has expired. Reload the page and try again.");
  }
  await next();
};

const csrfs = new WeakMap<Request, string>();
/** The CSRF token of the signed-in request (set by fleetSession). */
export const csrfOf = (c: Context<AppBindings>) => csrfs.get(c.req.raw) ?? "";
