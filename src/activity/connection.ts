/**
 * Has Entra connected? What the Connect page and the Overview read, in ONE D1 batch of indexed
 * reads, cheap enough to poll every 2 s while the page is open.
 *
 * How a Test Connection is seen, from what the tree already keeps:
 * - With the SCIM token, Entra's probe (`GET /Users?filter=userName eq "<random guid>"`) is an
 *   authenticated request, so it becomes an `activity` row with the token's id (written by the
 *   queue consumer about a second later). The latest row of the current token is one seek on the
 *   `activity_token (token_id, at)` index, whatever the table's size. A token's "last use" column
 *   would cost a write on Entra's hot path for every request; the row is there anyway.
 * - With OAuth client credentials, Entra first asks the token endpoint for an access token; that
 *   batch already sets the client's (or federation's) `last_used`, synchronously.
 * - A probe with a bad token is never an activity row (refusals are only counted, per isolate,
 *   into `activity_noise`, the first at once): it cannot tick, and its count lets the page say why.
 * With `ACTIVITY = "off"` no activity is recorded, and only the OAuth path and writes are seen.
 */

/** A tenant's provisioned resources are counted up to this many; beyond, "10,000+". */
export const COUNT_CAP = 10_000;

/** The statements, exported so that a test can check each one's query plan. */
export const CONNECTION_SQL = {
  /** The current SCIM token and its latest authenticated request. */
  scimToken: `SELECT t.id, t.created,
      (SELECT json_array(a.at, a.method, a.path, a.user_name, a.status) FROM activity a
        WHERE a.token_id = t.id ORDER BY a.at DESC LIMIT 1) AS lastRequest
    FROM tokens t WHERE t.scope = 'scim' AND t.revoked IS NULL ORDER BY t.created DESC LIMIT 1`,
  /** OAuth grants still standing, and when one last got an access token. */
  oauth: `SELECT
      (SELECT count(*) FROM oauth_clients WHERE revoked IS NULL AND expires > ?1) AS clients,
      (SELECT count(*) FROM oauth_federations) AS federations,
      (SELECT max(at) FROM (
        SELECT last_used AS at FROM oauth_clients WHERE revoked IS NULL
        UNION ALL SELECT last_used FROM oauth_federations)) AS lastTokenRequest`,
  /** Any authenticated SCIM request, by any credential (max over the `activity_at` index). */
  lastRequest: "SELECT max(at) AS at FROM activity",
  /** Refused SCIM requests since ?1 (`activity_noise_at`). */
  refused: `SELECT reason, sum(count) AS count, max(at) AS at FROM activity_noise
    WHERE at >= ?1 GROUP BY reason ORDER BY at DESC`,
  /** SCIM users and groups, each counted up to COUNT_CAP + 1 rows. */
  provisioned: `SELECT
      (SELECT count(*) FROM (SELECT 1 FROM users WHERE source = 'scim' LIMIT ?1)) AS users,
      (SELECT count(*) FROM (SELECT 1 FROM groups WHERE source = 'scim' LIMIT ?1)) AS groups`,
};

export interface ScimRequestSeen {
  at: string;
  method: string;
  path: string;
  userName: string | null;
  status: number;
}

export interface ConnectionFacts {
  scimToken: { id: string; created: string; lastRequest: ScimRequestSeen | null } | null;
  oauth: { clients: number; federations: number; lastTokenRequest: string | null };
  /** The latest authenticated SCIM request by any credential. */
  lastRequest: string | null;
  refused: { reason: string; count: number; at: string }[];
  provisioned: { users: number; groups: number };
}

const DAY_MS = 86_400_000;

export async function connectionFacts(db: D1Database, now = Date.now()): Promise<ConnectionFacts> {
  const [token, oauth, last, refused, provisioned] = await db.batch([
    db.prepare(CONNECTION_SQL.scimToken),
    db.prepare(CONNECTION_SQL.oauth).bind(new Date(now).toISOString()),
    db.prepare(CONNECTION_SQL.lastRequest),
    db.prepare(CONNECTION_SQL.refused).bind(new Date(now - DAY_MS).toISOString()),
    db.prepare(CONNECTION_SQL.provisioned).bind(COUNT_CAP + 1),
  ]);
  const t = token.results[0] as { id: string; created: string; lastRequest: string | null } | undefined;
  const seen = t?.lastRequest ? (JSON.parse(t.lastRequest) as [string, string, string, string | null, number]) : null;
  return {
    scimToken: t
      ? {
          id: t.id,
          created: t.created,
          lastRequest: seen
            ? { at: seen[0], method: seen[1], path: seen[2], userName: seen[3], status: seen[4] }
            : null,
        }
      : null,
    oauth: oauth.results[0] as ConnectionFacts["oauth"],
    lastRequest: (last.results[0] as { at: string | null }).at,
    refused: refused.results as ConnectionFacts["refused"],
    provisioned: provisioned.results[0] as ConnectionFacts["provisioned"],
  };
}

/** Whether any credential of the tenant was ever used by Entra (the Overview's "connected"). */
export const hasConnected = (f: Pick<ConnectionFacts, "lastRequest" | "oauth">) =>
  !!f.lastRequest || !!f.oauth.lastTokenRequest;

/** The same question as one statement, for the Overview's batch: `{ lastRequest, lastTokenRequest }`. */
export const lastUseStatement = (db: D1Database) =>
  db.prepare(`SELECT (SELECT max(at) FROM activity) AS lastRequest,
    (SELECT max(at) FROM (SELECT last_used AS at FROM oauth_clients UNION ALL
      SELECT last_used FROM oauth_federations)) AS lastTokenRequest`);
