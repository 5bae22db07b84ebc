import type { Context } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import { FAILURE_PERIOD_SECONDS, countFailure } from "../http/auth-failures";
import type { Credentials } from "../http/tenant";
import type { AppBindings } from "../platform/env";
import { stateText, tenantContext, tenantStateStatement } from "../tenants/context";
import { verifyBearer } from "../tenants/auth";
import { tenantDatabase } from "../tenants/resolve";
import {
  type SessionOwner,
  type SessionRow,
  closeSessionStatement,
  openSession,
  sessionCheckStatement,
  sessionCookieName,
  sessionHash,
  sessionPrincipal,
} from "./sessions";
import { clearFailures, lockedFor, recordFailure } from "./throttle";

/** Every refusal says the same, whatever was wrong with the token. */
export const SIGN_IN_FAILED = "Sign-in failed. Check the admin token and try again.";
/** A good key, but the tenant has turned key sign-in off (the admin API still takes keys). */
export const KEY_SIGN_IN_OFF =
  "Signing in with an admin API key is turned off for this tenant. Sign in with your account.";

/** The console's credentials: the session cookie, checked in the same D1 batch as the tenant state. */
export const sessionCredentials: Credentials = async (c, slug, db, prefetch = []) => {
  const hash = await sessionHash(getCookie(c, sessionCookieName(slug)));
  if (!hash) return { ok: false, reason: "missing" };
  const [session, state, ...prefetched] = await db.batch([
    sessionCheckStatement(db, hash),
    tenantStateStatement(db),
    ...prefetch,
  ]);
  const row = session.results[0] as SessionRow | undefined;
  if (!row) return { ok: false, reason: "revoked" };
  const tenant = tenantContext(slug, db, stateText(state));
  tenant.principal = sessionPrincipal(row);
  // Turning key sign-in off ends the sessions opened with a key, too.
  if (tenant.principal.viaKey && !tenant.settings.consoleKeySignIn) return { ok: false, reason: "revoked" };
  return { ok: true, tokenId: row.token_id, tenant, prefetched };
};

const clientOf = (c: Context) => c.req.header("CF-Connecting-IP") ?? "local";

export type SignInResult = { ok: true } | { ok: false; status: 401 | 403 | 429; retryAfter?: number; message?: string };

/**
 * Checks a pasted admin token like the admin API does (KV index + D1 truth) and opens a session
 * bound to that token. Failures are slowed (throttle.ts) and never say what was wrong.
 */
export async function signIn(c: Context<AppBindings>, slug: string, token: string): Promise<SignInResult> {
  // An unknown tenant answers like a known one refusing the token (no slug enumeration).
  const db = tenantDatabase(c.env, slug);
  const client = clientOf(c);
  const locked = lockedFor(slug, client);
  if (locked) return { ok: false, status: 429, retryAfter: locked };
  const result = db
    ? await verifyBearer(`Bearer ${token.trim()}`, slug, "admin", c.env.TOKENS, db)
    : { ok: false as const };
  if (!result.ok) {
    const wait = recordFailure(slug, client);
    if (wait) await new Promise((r) => setTimeout(r, wait));
    // The Worker-wide limit of refused credentials counts these too.
    if (await countFailure(c.env, c.req.raw.headers, slug))
      return { ok: false, status: 429, retryAfter: FAILURE_PERIOD_SECONDS };
    return { ok: false, status: 401 };
  }
  if (!db) return { ok: false, status: 401 };
  clearFailures(slug, client);
  if (!result.tenant.settings.consoleKeySignIn) return { ok: false, status: 403, message: KEY_SIGN_IN_OFF };
  await startSession(c, slug, db, { kind: "key", id: result.tokenId });
  return { ok: true };
}

/** Opens a session for `owner` and sets its cookie; `extra` writes commit in the same batch. */
export async function startSession(
  c: Context,
  slug: string,
  db: D1Database,
  owner: SessionOwner,
  extra: D1PreparedStatement[] = [],
): Promise<void> {
  const session = await openSession(db, owner, extra);
  setCookie(c, sessionCookieName(slug), session.id, {
    path: "/",
    secure: true,
    httpOnly: true,
    sameSite: "Strict",
    expires: session.expires,
  });
}

/** Ends the session in D1 (the cookie alone no longer opens anything) and clears the cookie. */
export async function signOut(c: Context<AppBindings>, slug: string): Promise<void> {
  const db = tenantDatabase(c.env, slug);
  if (!db) return;
  const name = sessionCookieName(slug);
  const hash = await sessionHash(getCookie(c, name));
  if (hash) await closeSessionStatement(db, hash).run();
  deleteCookie(c, name, { path: "/", secure: true });
}
