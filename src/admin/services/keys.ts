import { z } from "zod";
import { commit } from "../../events/commit";
import { audit } from "../../events/types";
import { clock } from "../../platform/clock";
import { INITIAL_KEY_NAME } from "../../tenants/auth";
import type { TenantContext } from "../../tenants/context";
import { insertKeySql, prepared } from "../../tenants/token-rows";
import { mintToken, tokenKvKey, tokenKvValue } from "../../tenants/tokens";
import { adminError } from "../errors";

/** Named admin API keys (docs/people.md): the admin API's bearer tokens, each with a name and a reach. */
export const newKey = z
  .object({
    name: z.string().trim().min(1).max(64),
    access: z.enum(["read", "write"]),
  })
  .strict();
export type NewKey = z.infer<typeof newKey>;

export interface KeyListing {
  id: string;
  name: string;
  access: "read" | "write";
  created: string;
  lastUsed: string | null;
}

export async function listKeys(db: D1Database): Promise<KeyListing[]> {
  const { results } = await db
    .prepare(
      `SELECT id, coalesce(name, ?1) AS name, access, created, last_used AS lastUsed FROM tokens
       WHERE scope = 'admin' AND revoked IS NULL ORDER BY created`,
    )
    .bind(INITIAL_KEY_NAME)
    .all<KeyListing>();
  return results;
}

/** A new key, shown once: only its SHA-256 is stored (D1 the truth, KV the index, P2). */
export async function addKey(t: TenantContext, kv: KVNamespace, input: NewKey): Promise<KeyListing & { key: string }> {
  const minted = await mintToken("admin", new Date(clock.now()));
  const event = audit("admin", "api-key", "Tenant", null, { added: minted.id, name: input.name, access: input.access });
  await commit(t, [prepared(t.db, insertKeySql(minted, input.name, input.access))], [event]);
  await kv.put(tokenKvKey(minted.hash), tokenKvValue(t.slug, minted));
  return {
    id: minted.id,
    name: input.name,
    access: input.access,
    created: minted.created,
    lastUsed: null,
    key: minted.token,
  };
}

/** The key stops at once (every admin request reads its row), and so do console sessions opened with it. */
export async function revokeKey(t: TenantContext, kv: KVNamespace, id: string): Promise<void> {
  const row = await t.db
    .prepare(
      "SELECT hash, coalesce(name, ?2) AS name FROM tokens WHERE id = ?1 AND scope = 'admin' AND revoked IS NULL",
    )
    .bind(id, INITIAL_KEY_NAME)
    .first<{ hash: string; name: string }>();
  if (!row) throw adminError(404, `No current admin API key "${id.slice(0, 100)}".`);
  const event = audit("admin", "api-key", "Tenant", null, { revoked: id, name: row.name });
  await commit(
    t,
    [
      t.db.prepare("DELETE FROM console_sessions WHERE kind = 'key' AND token_id = ?1").bind(id),
      t.db
        .prepare("UPDATE tokens SET revoked = ?1 WHERE id = ?2 AND scope = 'admin' AND revoked IS NULL")
        .bind(clock.iso(), id),
    ],
    [event],
    { ifLastChanged: true },
  );
  await kv.delete(tokenKvKey(row.hash));
}
