import type { Principal } from "../events/types";
import { clock } from "../platform/clock";
import { ScimError } from "../scim/errors";
import { type TenantContext, stateText, tenantContext, tenantStateStatement } from "./context";
import { guardedD1 } from "./guarded-db";
import { clearRefused, markRefused, rememberState, tokenGuardStatement } from "./one-trip";
import { lookupToken } from "./token-index";
import { type TokenScope, ACCESS_TOKEN_PATTERN, TOKEN_PATTERN, sha256Hex } from "./tokens";
import { accessTokenStatement } from "./access-tokens";

/** Why a token was refused; never sent to the client (401 says nothing more), useful in tests. */
export type AuthFailure = "missing" | "malformed" | "unknown" | "other-tenant" | "wrong-scope" | "revoked";

const BEARER = /^Bearer +(\S+) *$/i;

/** The token of an `Authorization: Bearer` header, unchecked. */
export const bearerToken = (header: string | undefined) => (header ? BEARER.exec(header)?.[1] : undefined);

export type AuthResult =
  { ok: true; tokenId: string; tenant: TenantContext; prefetched: D1Result[] } | { ok: false; reason: AuthFailure };

/**
 * Verifies a bearer token for one tenant and scope. KV maps the hash to its tenant; the
 * tenant's D1 `tokens` table is the truth for revocation because KV is eventually consistent
 * (a rotated token may still be in KV for 60 s or more elsewhere, P2). Both must agree.
 *
 * Cost: the KV read (remembered per isolate, see token-index.ts) and ONE D1 batch, in parallel. The batch carries the token check, the
 * tenant's settings and custom attributes, and the caller's first reads (`prefetch`), whose
 * results are handed out only when the token is good. They run before the verdict, so they must
 * be single-row indexed reads of fixed, small cost (see http/tenant.ts): then they
 * leak nothing and save a round trip on Entra's hot path.
 */
export async function verifyBearer(
  header: string | undefined,
  slug: string,
  scope: TokenScope,
  kv: KVNamespace,
  db: D1Database,
  prefetch: D1PreparedStatement[] = [],
): Promise<AuthResult> {
  if (!header) return { ok: false, reason: "missing" };
  const token = bearerToken(header);
  if (token && scope === "scim" && ACCESS_TOKEN_PATTERN.test(token))
    return verifyAccessToken(token, slug, db, prefetch);
  if (!token || !TOKEN_PATTERN.test(token)) return { ok: false, reason: "malformed" };
  const hash = await sha256Hex(token);
  const [record, [tok, state, ...prefetched]] = await Promise.all([
    lookupToken(kv, hash),
    db.batch([
      db
        .prepare("SELECT id, hash, name, access FROM tokens WHERE hash = ?1 AND scope = ?2 AND revoked IS NULL")
        .bind(hash, scope),
      tenantStateStatement(db),
      ...prefetch,
    ]),
  ]);
  if (!record) return { ok: false, reason: "unknown" };
  if (record.tenant !== slug) return { ok: false, reason: "other-tenant" };
  if (record.scope !== scope) return { ok: false, reason: "wrong-scope" };
  const row = tok.results[0] as KeyRow | undefined;
  if (!row || row.id !== record.tokenId || !timingSafeEqualText(row.hash, hash)) {
    markRefused(hash);
    return { ok: false, reason: "revoked" };
  }
  clearRefused(hash);
  rememberState(slug, stateText(state));
  // Every later round trip of a SCIM request carries the token check (guarded-db.ts), so a
  // rotation committed while it runs stops its writes at once. Admin tokens are not guarded
  // this way: an admin request may rotate its own token and then write its audit entry.
  const guarded =
    scope === "scim"
      ? guardedD1(db, { later: () => tokenGuardStatement(db, { tokenId: record.tokenId, hash, scope }) })
      : db;
  const tenant = tenantContext(slug, guarded, stateText(state));
  if (scope === "admin") tenant.principal = keyPrincipal(row, false);
  return { ok: true, tokenId: record.tokenId, tenant, prefetched };
}

interface KeyRow {
  id: string;
  hash: string;
  name: string | null;
  access: string;
}

/** The name today's admin token (minted before keys had names) goes by. */
export const INITIAL_KEY_NAME = "initial";

/**
 * An admin API key acts as a viewer (read) or with every right (write): a write key is what the
 * CLI mints for a new tenant, the credential that makes the first owner.
 */
export const keyPrincipal = (row: Pick<KeyRow, "id" | "name" | "access">, viaKey: boolean): Principal => ({
  actor: `key:${row.id}`,
  id: row.id,
  role: row.access === "read" ? "viewer" : "owner",
  by: { kind: "key", name: row.name ?? INITIAL_KEY_NAME },
  viaKey,
});

/**
 * An OAuth access token (src/oauth/) is checked like a Secret Token, in the same single
 * D1 batch, but without KV: its hash exists only in the issuing tenant's D1, which also says
 * whether it expired or its client was revoked (so it binds the token to that tenant).
 */
async function verifyAccessToken(
  token: string,
  slug: string,
  db: D1Database,
  prefetch: D1PreparedStatement[],
): Promise<AuthResult> {
  const hash = await sha256Hex(token);
  const [tok, state, ...prefetched] = await db.batch([
    accessTokenStatement(db, hash, clock.iso()),
    tenantStateStatement(db),
    ...prefetch,
  ]);
  const row = tok.results[0] as { id: string; hash: string } | undefined;
  if (!row || !timingSafeEqualText(row.hash, hash)) return { ok: false, reason: "revoked" };
  return { ok: true, tokenId: row.id, tenant: tenantContext(slug, db, stateText(state)), prefetched };
}

/** Constant-time comparison of two hex digests, so timing reveals nothing of the stored hash. */
export function timingSafeEqualText(a: string, b: string): boolean {
  const enc = new TextEncoder();
  const x = enc.encode(a);
  const y = enc.encode(b);
  if (x.byteLength !== y.byteLength) return false;
  return crypto.subtle.timingSafeEqual(x, y);
}

export const unauthorized = () =>
  new ScimError(401, "Authentication failed: a valid bearer token for this tenant is required.");
