import type { Principal, AdminRole } from "../events/types";
import { randomBase64url } from "../platform/base64url";
import { keyPrincipal } from "../tenants/auth";
import { sha256Hex } from "../tenants/tokens";

/** An admin works for a day at most before signing in again. */
export const SESSION_HOURS = 8;
/** 32 random bytes, base64url: the cookie's value. */
const SESSION_ID = /^[A-Za-z0-9_-]{43}$/;

export const sessionCookieName = (slug: string) => `__Host-console-${slug}`;

const newSessionId = () => randomBase64url(32);

/** What a session is bound to: an admin API key (signed in with it), or a named admin. */
export type SessionOwner = { kind: "key"; id: string } | { kind: "person"; id: string };

/** Opens a session; expired sessions of the tenant are cleared on the way. */
export async function openSession(
  db: D1Database,
  owner: SessionOwner,
  extra: D1PreparedStatement[] = [],
): Promise<{ id: string; expires: Date }> {
  const id = newSessionId();
  const now = new Date();
  const expires = new Date(now.getTime() + SESSION_HOURS * 3600_000);
  await db.batch([
    db.prepare("DELETE FROM console_sessions WHERE expires <= ?1").bind(now.toISOString()),
    db
      .prepare("INSERT INTO console_sessions (hash, token_id, kind, created, expires) VALUES (?1, ?2, ?3, ?4, ?5)")
      .bind(await sha256Hex(id), owner.id, owner.kind, now.toISOString(), expires.toISOString()),
    ...extra,
  ]);
  return { id, expires };
}

/** The hash a cookie value is stored under, or null when it cannot be a session id. */
export const sessionHash = async (cookie: string | undefined) =>
  cookie && SESSION_ID.test(cookie) ? sha256Hex(cookie) : null;

/**
 * A session is good while unexpired and while what it is bound to holds: its admin API key is
 * current (not rotated, not revoked), or its admin is not removed. Checked on every request, in
 * the same D1 batch as the tenant state, so a revocation or a removal ends the session at once.
 */
export const sessionCheckStatement = (db: D1Database, hash: string) =>
  db
    .prepare(
      `SELECT s.kind, s.token_id, k.name AS key_name, k.access, a.role, a.provider, a.subject, a.email, a.name
       FROM console_sessions s
       LEFT JOIN tokens k ON s.kind = 'key' AND k.id = s.token_id AND k.scope = 'admin' AND k.revoked IS NULL
       LEFT JOIN admins a ON s.kind = 'person' AND a.id = s.token_id AND a.removed IS NULL
       WHERE s.hash = ?1 AND s.expires > ?2 AND (k.id IS NOT NULL OR a.id IS NOT NULL)`,
    )
    .bind(hash, new Date().toISOString());

export interface SessionRow {
  kind: string;
  token_id: string;
  key_name: string | null;
  access: string | null;
  role: AdminRole | null;
  provider: string | null;
  subject: string | null;
  email: string | null;
  name: string | null;
}

/** Who acts through a session, from its checked row. */
export function sessionPrincipal(row: SessionRow): Principal {
  if (row.kind === "key")
    return keyPrincipal({ id: row.token_id, name: row.key_name, access: row.access ?? "write" }, true);
  return {
    actor: `person:${row.token_id}`,
    id: row.token_id,
    role: row.role ?? "viewer",
    by: {
      kind: "person",
      provider: row.provider ?? "",
      subject: row.subject ?? "",
      email: row.email ?? "",
      name: row.name ?? "",
    },
    viaKey: false,
  };
}

export const closeSessionStatement = (db: D1Database, hash: string) =>
  db.prepare("DELETE FROM console_sessions WHERE hash = ?1").bind(hash);

/**
 * The CSRF token of a session: derived from the session id, which only the signed-in browser
 * holds (the cookie is HttpOnly), so a page of another origin can neither read nor compute it.
 */
export const csrfTokenOf = (sessionId: string) => sha256Hex(`csrf:${sessionId}`);
