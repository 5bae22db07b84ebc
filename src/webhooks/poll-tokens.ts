import { type AuthResult, timingSafeEqualText } from "../tenants/auth";
import { stateText, tenantContext, tenantStateStatement } from "../tenants/context";
import { POLL_TOKEN_PREFIX, randomBase64url, sha256Hex, TOKEN_RANDOM_BYTES } from "../tenants/tokens";
import { missingTable } from "./record";

/**
 * Endpoint-scoped RFC 8936 poll tokens. A token polls one endpoint's stream: the
 * events of its event types, with a position of its own. Like an OAuth access token
 * its hash lives only in the issuing tenant's D1, so it is good for that tenant alone; the
 * clear token exists only in the answer that issued it.
 */

/** What a poll may read: one stream, and the event types it gets (null: all). */
export interface PollStream {
  id: string;
  events: string[] | null;
  /** An endpoint's stream starts at the endpoint's creation, as its pushes do (no replay of older history). */
  since?: string;
}

/** The admin token's stream: every event. */
export const ADMIN_STREAM: PollStream = { id: "admin", events: null };
export const endpointStreamId = (webhookId: string) => `webhook:${webhookId}`;

/** Current poll tokens per endpoint. */
export const MAX_POLL_TOKENS = 5;

export async function mintPollToken(now = new Date()) {
  const token = `${POLL_TOKEN_PREFIX}${randomBase64url(TOKEN_RANDOM_BYTES)}`;
  return { id: crypto.randomUUID(), token, hash: await sha256Hex(token), created: now.toISOString() };
}

/**
 * Checks a poll token against this tenant's D1 in one batch with the tenant's state (and the
 * caller's prefetch): unknown, revoked, another tenant's, or its endpoint deleted are all the
 * same refusal. A disabled endpoint's token still polls: that is how its receiver catches up.
 */
export async function verifyPollToken(
  token: string,
  slug: string,
  db: D1Database,
  prefetch: D1PreparedStatement[] = [],
): Promise<{ auth: AuthResult; stream?: PollStream }> {
  const hash = await sha256Hex(token);
  let results: D1Result[];
  try {
    results = await db.batch([
      db
        .prepare(
          `SELECT p.id, p.hash, p.webhook_id, w.events, w.created FROM poll_tokens p JOIN webhooks w ON w.id = p.webhook_id
           WHERE p.hash = ?1 AND p.revoked IS NULL`,
        )
        .bind(hash),
      tenantStateStatement(db),
      ...prefetch,
    ]);
  } catch (e) {
    if (missingTable(e)) return { auth: { ok: false, reason: "unknown" } };
    throw e;
  }
  const [tok, state, ...prefetched] = results;
  const row = tok.results[0] as
    { id: string; hash: string; webhook_id: string; events: string | null; created: string } | undefined;
  if (!row || !timingSafeEqualText(row.hash, hash)) return { auth: { ok: false, reason: "revoked" } };
  return {
    auth: { ok: true, tokenId: row.id, tenant: tenantContext(slug, db, stateText(state)), prefetched },
    stream: {
      id: endpointStreamId(row.webhook_id),
      events: row.events ? (JSON.parse(row.events) as string[]) : null,
      since: row.created,
    },
  };
}
