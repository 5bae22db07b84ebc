import { type TokenRecord, tokenKvKey } from "./tokens";

/** Entries kept per isolate; a tenant has two current tokens, an isolate serves few tenants. */
const CACHE_LIMIT = 1024;
const cache = new Map<string, TokenRecord>();

/**
 * KV lookup of a token hash, remembered in the isolate. Safe because a hash -> {tenant, tokenId,
 * scope} record never changes: rotation makes a NEW token, and revocation is decided by the
 * tenant's D1 on every request (tenants/auth.ts), never by this cache or by KV. Only found
 * records are kept, so a freshly minted token is looked up again until KV has it.
 */
export async function lookupToken(kv: KVNamespace, hash: string): Promise<TokenRecord | null> {
  const hit = cache.get(hash);
  if (hit) return hit;
  const record = await kv.get<TokenRecord>(tokenKvKey(hash), "json");
  if (record) {
    if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value as string);
    cache.set(hash, record);
  }
  return record;
}

/** The record of a hash if this isolate already has it, without asking KV (http/one-trip.ts). */
export const rememberedToken = (hash: string): TokenRecord | undefined => cache.get(hash);
