import { commit } from "../../events/commit";
import { audit } from "../../events/types";
import type { TenantContext } from "../../tenants/context";
import { currentTokensSql, prepared, rotateTokenSql, type TokenRow } from "../../tenants/token-rows";
import { type TokenScope, mintToken, tokenKvKey, tokenKvValue } from "../../tenants/tokens";

/**
 * P2 "Generate token": a new SCIM token, shown once. The old one stops working at once because
 * the tenant's D1 (the truth, see tenants/auth.ts) revokes it in the same batch that stores the
 * new hash; its KV entry is deleted too, but KV may lag and that no longer matters.
 */
export async function rotateScimToken(t: TenantContext, kv: KVNamespace): Promise<string> {
  const scope: TokenScope = "scim";
  const minted = await mintToken(scope);
  const event = audit("admin", "token", "Tenant", null, { scope, tokenId: minted.id });
  // The read of the current tokens is in the same transaction, so it names exactly the revoked ones.
  const [current] = await commit(
    t,
    [currentTokensSql(), ...rotateTokenSql(minted)].map((s) => prepared(t.db, s)),
    [event],
  );
  await kv.put(tokenKvKey(minted.hash), tokenKvValue(t.slug, minted));
  const old = (current.results as TokenRow[]).filter((r) => r.scope === scope);
  await Promise.all(old.map((r) => kv.delete(tokenKvKey(r.hash))));
  return minted.token;
}
