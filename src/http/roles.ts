import type { MiddlewareHandler } from "hono";
import type { Principal, AdminRole } from "../events/types";
import type { AppBindings } from "../platform/env";
import { ScimError } from "../scim/errors";

/**
 * AdminRole enforcement, in one place for the admin API and the console's forms (docs/people.md):
 * a read needs a viewer, any other method needs an admin, and who is an admin (admins, keys,
 * setup links, sign-in providers) is the owner's to change and the admins' to read. A route
 * added later falls under the same rule by its method alone.
 */
const PEOPLE = /^\/(admins|keys|setup-links|signin-providers)(\/|$)/;
const READS = new Set(["GET", "HEAD", "OPTIONS"]);
/** Console posts every signed-in admin may send. */
const ANYONE = new Set(["/sign-out"]);
const RANK: Record<AdminRole, number> = { viewer: 1, admin: 2, owner: 3 };

/** The least role that may send `method` to `path` (relative to the admin API or console root). */
export function roleNeeded(method: string, path: string): AdminRole | null {
  const read = READS.has(method);
  if (!read && ANYONE.has(path)) return null;
  if (PEOPLE.test(path)) return read ? "admin" : "owner";
  return read ? "viewer" : "admin";
}

export const mayAct = (principal: Pick<Principal, "role">, needed: AdminRole | null) =>
  needed === null || RANK[principal.role] >= RANK[needed];

function refusal(principal: Principal, needed: AdminRole): string {
  if (principal.by.kind === "key" && principal.role === "viewer")
    return "This admin API key is read-only: it cannot change anything. Use a key with read and write access.";
  // An admin may write (needed was the owner's); a viewer may not write at all.
  if (principal.role === "viewer" || needed !== "owner")
    return `Your role (${principal.role}) lets you read but not change anything. Ask an owner for the admin role.`;
  return "Only an owner can change who administers this tenant, its API keys and sign-in.";
}

/**
 * After the tenant gate's `authorize`: refuses with 403 what the principal's role may not do.
 * `prefix` is the mount point the route paths are relative to (`/admin/api`, `/admin`).
 */
export const requireRole =
  (prefix: string): MiddlewareHandler<AppBindings> =>
  async (c, next) => {
    const principal = c.var.t.principal;
    const inTenant = c.req.path.replace(/^\/t\/[^/]*/, "");
    const path = (inTenant.startsWith(prefix) ? inTenant.slice(prefix.length) : inTenant) || "/";
    const needed = roleNeeded(c.req.method, path);
    // No principal is a bug of the gate (every admin credential names one): refuse, never allow.
    if (!principal) throw new ScimError(403, "This request names no admin.");
    if (needed && !mayAct(principal, needed)) throw new ScimError(403, refusal(principal, needed));
    await next();
  };
