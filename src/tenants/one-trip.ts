import { TENANT_STATE_SQL } from "./context";
import type { TokenScope } from "./tokens";

/**
 * What lets a SCIM request check its token inside its own first D1 batch, instead of
 * in a batch of its own before it. Remembered per isolate, never trusted: every one-trip batch
 * starts with `guardStatement`, which aborts the whole batch (D1 runs a batch as one
 * transaction) unless the token row is current AND the tenant state is still the one remembered
 * here. D1 stays the truth for revocation; a stale memory only costs the classic way.
 */

/** Bounds of what an isolate keeps: a few tenants' state texts, revoked hashes seen. */
const STATE_LIMIT = 1024;
const REFUSED_LIMIT = 1024;

/** Tenant slug -> the state text (TENANT_STATE_SQL) last read with a good token. */
const states = new Map<string, string>();
/**
 * Hashes of tokens found in KV but refused by D1 (revoked, rotated): their requests take the
 * classic way, so a revoked token has no request body read before its refusal, except
 * once per isolate, the request that found it revoked. A mark is dropped when D1 accepts the token.
 */
const refused = new Set<string>();

function put<K, V>(m: Map<K, V>, k: K, v: V, limit: number) {
  m.delete(k);
  if (m.size >= limit) m.delete(m.keys().next().value as K);
  m.set(k, v);
}

export const rememberState = (slug: string, state: string) => put(states, slug, state, STATE_LIMIT);
export const rememberedState = (slug: string) => states.get(slug);
/** After a write that changed the state itself (P25 defines custom attributes): read it afresh next time. */
export const forgetState = (slug: string) => void states.delete(slug);

export function markRefused(hash: string): void {
  if (refused.size >= REFUSED_LIMIT) refused.delete(refused.values().next().value as string);
  refused.add(hash);
}
export const clearRefused = (hash: string) => void refused.delete(hash);
export const wasRefused = (hash: string) => refused.has(hash);

/** The token's row is current: by its primary key, the hash and scope it was issued with, not revoked. */
const TOKEN_CURRENT = "EXISTS (SELECT 1 FROM tokens WHERE id = ?1 AND hash = ?2 AND scope = ?3 AND revoked IS NULL)";

/**
 * A SELECT that fails, raising SQLite's "integer overflow" (abs of the smallest 64-bit integer),
 * unless `condition` holds. The error depends on the rows read, so SQLite cannot evaluate it
 * ahead as a constant; guarded-db.ts recognises a refusal by that error alone.
 */
const refuseUnless = (condition: string) => `SELECT abs((${condition}) - 9223372036854775807 - 1) AS guard`;

export interface GuardedToken {
  tokenId: string;
  hash: string;
  scope: TokenScope;
}

/**
 * The guard of a one-trip request's first batch: the token's row is current and the tenant
 * state is `state`. A SELECT of fixed, small cost (the token by its primary key, the two small
 * state tables).
 */
export function guardStatement(db: D1Database, g: GuardedToken & { state: string }): D1PreparedStatement {
  return db
    .prepare(refuseUnless(`${TOKEN_CURRENT} AND ${TENANT_STATE_SQL} IS ?4`))
    .bind(g.tokenId, g.hash, g.scope, g.state);
}

/**
 * The guard of every later round trip of a request whose token was found good: its row is still
 * current, so a rotation committed meanwhile stops the request's later writes (the token
 * "stops at once" for every write that commits after the rotation).
 */
export function tokenGuardStatement(db: D1Database, g: GuardedToken): D1PreparedStatement {
  return db.prepare(refuseUnless(TOKEN_CURRENT)).bind(g.tokenId, g.hash, g.scope);
}
