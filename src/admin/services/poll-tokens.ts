import { commit } from "../../events/commit";
import { audit } from "../../events/types";
import type { TenantContext } from "../../tenants/context";
import { MAX_POLL_TOKENS, mintPollToken } from "../../webhooks/poll-tokens";
import { adminError } from "../errors";

/**
 * An endpoint's RFC 8936 poll tokens. The token is in the issuing answer only; D1
 * keeps its SHA-256. Each issue and revocation is audited (ids only, never the token).
 */

const noEndpoint = (id: string) => adminError(404, `No event endpoint ${id.slice(0, 100)}.`);

async function endpointExists(db: D1Database, id: string): Promise<boolean> {
  return !!(await db.prepare("SELECT 1 AS x FROM webhooks WHERE id = ?1").bind(id).first());
}

export async function issuePollToken(t: TenantContext, webhookId: string) {
  const minted = await mintPollToken();
  const event = audit("admin", "webhook", "Tenant", null, { pollTokenIssued: minted.id, webhook: webhookId });
  const [res] = await commit(
    t,
    [
      t.db
        .prepare(
          `INSERT INTO poll_tokens (id, webhook_id, hash, created)
           SELECT ?1, ?2, ?3, ?4 WHERE EXISTS (SELECT 1 FROM webhooks WHERE id = ?2)
             AND (SELECT count(*) FROM poll_tokens WHERE webhook_id = ?2 AND revoked IS NULL) < ?5`,
        )
        .bind(minted.id, webhookId, minted.hash, minted.created, MAX_POLL_TOKENS),
    ],
    [event],
    { ifLastChanged: true },
  );
  if (res.meta.changes === 0) {
    if (!(await endpointExists(t.db, webhookId))) throw noEndpoint(webhookId);
    throw adminError(400, `An endpoint has at most ${MAX_POLL_TOKENS} poll tokens; revoke one first.`);
  }
  return { id: minted.id, webhookId, token: minted.token, created: minted.created };
}

export async function listPollTokens(db: D1Database, webhookId: string) {
  if (!(await endpointExists(db, webhookId))) throw noEndpoint(webhookId);
  const { results } = await db
    .prepare("SELECT id, created, revoked FROM poll_tokens WHERE webhook_id = ?1 ORDER BY created DESC LIMIT 100")
    .bind(webhookId)
    .all<{ id: string; created: string; revoked: string | null }>();
  return results;
}

/** Only a current token of this endpoint: another endpoint's token id, or a revoked one, is 404 and changes nothing. */
export async function revokePollToken(t: TenantContext, webhookId: string, tokenId: string): Promise<void> {
  const event = audit("admin", "webhook", "Tenant", null, {
    pollTokenRevoked: tokenId.slice(0, 100),
    webhook: webhookId.slice(0, 100),
  });
  const [res] = await commit(
    t,
    [
      t.db
        .prepare("UPDATE poll_tokens SET revoked = ?3 WHERE id = ?1 AND webhook_id = ?2 AND revoked IS NULL")
        .bind(tokenId, webhookId, new Date().toISOString()),
    ],
    [event],
    { ifLastChanged: true },
  );
  if (res.meta.changes === 0) {
    throw adminError(
      404,
      `No current poll token ${tokenId.slice(0, 100)} for event endpoint ${webhookId.slice(0, 100)}.`,
    );
  }
}
