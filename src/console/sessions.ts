import { randomBase64url } from "../platform/base64url";
import { sha256Hex } from "../tenants/tokens";

/** An admin works for a day at most before signing in again. */
export const SESSION_HOURS = 8;
/** 32 random bytes, base64url: the cookie's value. */
const SESSION_ID = /^[A-Za-z0-9_-]{43}$/;

export const sessionCookieName = (slug: string) => `__Host-console-${slug}`;

const newSessionId = () => randomBase64url(32);

/** Opens a session for the admin token `tokenId`; expired sessions of the tenant are cleared on the way. */
export async function openSession(db: D1Database, tokenId: string): Promise<{ id: string; expires: Date }> {
  const id = newSessionId();
  const now = new Date();
  const expires = new Date(now.getTime() + SESSION_HOURS * 3600_000);
  await db.batch([
    db.prepare("DELETE FROM console_sessions WHERE expires <= ?1").bind(now.toISOString()),
    db
      .prepare("INSERT INTO console_sessions (hash, token_id, created, expires) VALUES (?1, ?2, ?3, ?4)")
      .bind(await sha256Hex(id), tokenId, now.toISOString(), expires.toISOString()),
  ]);
  return { id, expires };
}

/** The hash a cookie value is stored under, or null when it cannot be a session id. */
export const sessionHash = async (cookie: string | undefined) =>
  cookie && SESSION_ID.test(cookie) ? sha256Hex(cookie) : null;

/** A session is good while unexpired and its admin token is current (not rotated, not revoked). */
export const sessionCheckStatement = (db: D1Database, hash: string) =>
  db
    .prepare(
      `SELECT s.token_id FROM console_sessions s JOIN tokens k ON k.id = s.token_id
       WHERE s.hash = ?1 AND s.expires > ?2 AND k.scope = 'admin' AND k.revoked IS NULL`,
    )
    .bind(hash, new Date().toISOString());

export const closeSessionStatement = (db: D1Database, hash: string) =>
  db.prepare("DELETE FROM console_sessions WHERE hash = ?1").bind(hash);

/**
 * The CSRF token of a session: derived from the session id, which only the signed-in browser
 * holds (the cookie is HttpOnly), so a page of another origin can neither read nor compute it.
 */
export const csrfTokenOf = (sessionId: string) => sha256Hex(`csrf:${sessionId}`);
