import { outboxStatement } from "../../events/outbox";
import { audit } from "../../events/types";
import type { TenantContext } from "../../tenants/context";
import { rotateTokenStatements } from "../../tenants/token-repo";
import { type TokenScope, mintToken, sha256Hex, tokenKvKey } from "../../tenants/tokens";

/**
 * P2 "Generate token": a new SCIM token, shown once. The old one stops working at once because
 * the tenant's D1 (the truth, see tenants/auth.ts) revokes it in the same batch that stores the
 * new hash; its KV entry is deleted too, but KV may lag and that no longer matters.
 */
export async function rotateScimToken(t: TenantContext, kv: KVNamespace): Promise<string> {
  const scope: TokenScope = "scim";
  const token = mintToken(scope);
  const hash = await sha256Hex(token);
  const id = crypto.randomUUID();
  const event = audit("admin", "token", "Tenant", null, { scope, tokenId: id });
  const [old] = await t.db.batch([...rotateTokenStatements(t.db, scope, { id, hash, now: event.at }), outboxStatement(t.db, [event])]);
  await kv.put(tokenKvKey(hash), JSON.stringify({ tenant: t.slug, tokenId: id, scope }));
  await Promise.all((old.results as { hash: string }[]).map((r) => kv.delete(tokenKvKey(r.hash))));
  t.committed.push(event);
  return token;
}
