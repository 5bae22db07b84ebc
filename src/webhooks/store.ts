import { SEAL_PURPOSE, type Sealer } from "../platform/seal";
import { newSigningKey, type SigningKey } from "./sign";
import type { SecurityEvent } from "./types";

/** A rotated key stays in the JWKS this long, so SETs signed just before a rotation still verify. */
export const RETIRED_KEY_PUBLISHED_MS = 24 * 3600_000;

/**
 * The events of committed changes and one pending delivery per event and subscribed, enabled
 * endpoint, in one batch (INSERT OR IGNORE by event id: a redelivered queue message adds nothing).
 */
export function recordEventsStatements(db: D1Database, events: SecurityEvent[], now: string): D1PreparedStatement[] {
  const rows = events.map((e) => ({
    id: e.id,
    seq: e.seq,
    type: e.type,
    resourceType: e.resourceType,
    resourceId: e.resourceId,
    externalId: e.externalId,
    payload: JSON.stringify(e.data),
    created: e.created,
  }));
  const json = JSON.stringify(rows);
  return [
    db
      .prepare(
        `INSERT OR IGNORE INTO security_events (id, seq, type, resource_type, resource_id, external_id, payload, created)
         SELECT json_extract(value, '$.id'), json_extract(value, '$.seq'), json_extract(value, '$.type'),
                json_extract(value, '$.resourceType'), json_extract(value, '$.resourceId'), json_extract(value, '$.externalId'),
                json_extract(value, '$.payload'), json_extract(value, '$.created')
         FROM json_each(?1)`,
      )
      .bind(json),
    db
      .prepare(
        `INSERT OR IGNORE INTO webhook_deliveries (event_id, webhook_id, seq, resource_id, state, attempts, next_attempt_at, created)
         SELECT json_extract(e.value, '$.id'), w.id, json_extract(e.value, '$.seq'), json_extract(e.value, '$.resourceId'),
                'pending', 0, ?2, ?2
         FROM json_each(?1) e JOIN webhooks w
         WHERE w.disabled_at IS NULL AND w.created <= json_extract(e.value, '$.created')
           AND (w.events IS NULL OR EXISTS (SELECT 1 FROM json_each(w.events) t WHERE t.value = json_extract(e.value, '$.type')))`,
      )
      .bind(json, now),
  ];
}

export interface StoredEvent {
  id: string;
  seq: number;
  type: string;
  resource_type: string;
  resource_id: string;
  external_id: string | null;
  payload: string;
  created: string;
}

export const eventOfRow = (r: StoredEvent): SecurityEvent =>
  ({
    id: r.id,
    seq: r.seq,
    type: r.type,
    resourceType: r.resource_type,
    resourceId: r.resource_id,
    externalId: r.external_id,
    created: r.created,
    data: JSON.parse(r.payload),
  }) as SecurityEvent;

interface KeyRow {
  kid: string;
  private_jwk: string;
  public_jwk: string;
  created: string;
  retired_at: string | null;
}

/**
 * The tenant's current signing key, made on first use (the first writer wins if two isolates
 * race). The private key is stored sealed (platform/seal.ts); one stored in clear before sealing
 * still opens, and `npm run tenant -- seal-key reseal` seals it.
 */
export async function currentSigningKey(
  db: D1Database,
  sealer: Sealer,
): Promise<Pick<SigningKey, "kid" | "privateJwk">> {
  const read = () =>
    db
      .prepare("SELECT kid, private_jwk FROM signing_keys WHERE retired_at IS NULL ORDER BY created DESC, kid LIMIT 1")
      .first<{ kid: string; private_jwk: string }>();
  let row = await read();
  if (!row) {
    const key = await newSigningKey();
    await db
      .prepare(
        `INSERT INTO signing_keys (kid, private_jwk, public_jwk, created)
         SELECT ?1, ?2, ?3, ?4 WHERE NOT EXISTS (SELECT 1 FROM signing_keys WHERE retired_at IS NULL)`,
      )
      .bind(key.kid, await sealedJwk(sealer, key), JSON.stringify(key.publicJwk), new Date().toISOString())
      .run();
    row = await read();
  }
  if (!row) throw new Error("no signing key");
  const jwk = await sealer.open(SEAL_PURPOSE.signingKey(row.kid), row.private_jwk);
  return { kid: row.kid, privateJwk: JSON.parse(jwk) as JsonWebKey };
}

const sealedJwk = (sealer: Sealer, key: SigningKey) =>
  sealer.seal(SEAL_PURPOSE.signingKey(key.kid), JSON.stringify(key.privateJwk));

/** The public keys a receiver verifies SETs with: the current one and those retired less than a day ago. */
export async function publishedKeys(db: D1Database, sealer: Sealer, now = Date.now()): Promise<{ keys: JsonWebKey[] }> {
  await currentSigningKey(db, sealer);
  return publicKeys(db, now);
}

/** The same keys, read only (none made): what the public JWKS URL serves. */
export async function publicKeys(db: D1Database, now = Date.now()): Promise<{ keys: JsonWebKey[] }> {
  const { results } = await db
    .prepare("SELECT public_jwk FROM signing_keys WHERE retired_at IS NULL OR retired_at > ?1 ORDER BY created DESC")
    .bind(new Date(now - RETIRED_KEY_PUBLISHED_MS).toISOString())
    .all<Pick<KeyRow, "public_jwk">>();
  return { keys: results.map((r) => JSON.parse(r.public_jwk) as JsonWebKey) };
}

/** Rotation: the current key retires (still published for a day) and a new one signs from now on. */
export async function rotateSigningKeyStatements(db: D1Database, sealer: Sealer, now: string) {
  const key = await newSigningKey();
  return {
    kid: key.kid,
    statements: [
      db.prepare("UPDATE signing_keys SET retired_at = ?1 WHERE retired_at IS NULL").bind(now),
      db
        .prepare("INSERT INTO signing_keys (kid, private_jwk, public_jwk, created) VALUES (?1, ?2, ?3, ?4)")
        .bind(key.kid, await sealedJwk(sealer, key), JSON.stringify(key.publicJwk), now),
    ],
  };
}
