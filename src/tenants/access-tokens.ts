/**
 * The OAuth access token check for tenants/auth.ts (tokens minted by src/oauth/): the token must be unexpired and its grant must
 * still stand (client neither revoked nor expired, federation config still there). This tenant's
 * D1 is the only place the hash exists, so a token is bound to the tenant that issued it.
 */
export const accessTokenStatement = (db: D1Database, hash: string, nowIso: string) =>
  db
    .prepare(
      `SELECT a.id, a.hash FROM oauth_access_tokens a
       WHERE a.hash = ?1 AND a.expires > ?2 AND CASE a.grant_kind
         WHEN 'client' THEN EXISTS (SELECT 1 FROM oauth_clients c WHERE c.id = a.grant_id AND c.revoked IS NULL AND c.expires > ?2)
         WHEN 'federation' THEN EXISTS (SELECT 1 FROM oauth_federations f WHERE f.id = a.grant_id)
         ELSE 0 END`,
    )
    .bind(hash, nowIso);
