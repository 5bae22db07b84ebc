/** An admin API key's last use, written at most once a minute a key (so a busy key costs no write a request). */
const RESOLUTION_MS = 60_000;

export async function noteKeyUse(db: D1Database, keyId: string, now = new Date()): Promise<void> {
  try {
    await db
      .prepare("UPDATE tokens SET last_used = ?1 WHERE id = ?2 AND (last_used IS NULL OR last_used < ?3)")
      .bind(now.toISOString(), keyId, new Date(now.getTime() - RESOLUTION_MS).toISOString())
      .run();
  } catch (e) {
    // After the answer: a failed note must never reach the client.
    console.warn(JSON.stringify({ msg: "could not note an admin API key's use", error: String(e) }));
  }
}
