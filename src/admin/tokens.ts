import { Hono } from "hono";
import { methodNotAllowed } from "../http/respond";
import { outboxStatement } from "../events/outbox";
import { audit } from "../events/types";
import { publicBase } from "../http/public-url";
import type { AppBindings } from "../platform/env";
import { type TokenScope, mintToken, sha256Hex, tokenKvKey } from "../tenants/tokens";

export const tokenRoutes = new Hono<AppBindings>();

/**
 * P2 "Generate token": a new SCIM token, shown once. The old one stops working at once because
 * the tenant's D1 (the truth, see tenants/auth.ts) revokes it in the same batch that stores the
 * new hash; its KV entry is deleted too, but KV may lag and that no longer matters.
 */
tokenRoutes.post("/", async (c) => {
  const t = c.var.t;
  const scope: TokenScope = "scim";
  const token = mintToken(scope);
  const hash = await sha256Hex(token);
  const id = crypto.randomUUID();
  const now = new Date().toISOString();
  const event = audit("admin", "token", "Tenant", null, { scope, tokenId: id });
  const [old] = await t.db.batch([
    t.db.prepare("UPDATE tokens SET revoked = ?2 WHERE scope = ?1 AND revoked IS NULL RETURNING hash").bind(scope, now),
    t.db.prepare("INSERT INTO tokens (id, scope, hash, created) VALUES (?1, ?2, ?3, ?4)").bind(id, scope, hash, now),
    outboxStatement(t.db, [event]),
  ]);
  await c.env.TOKENS.put(tokenKvKey(hash), JSON.stringify({ tenant: t.slug, tokenId: id, scope }));
  await Promise.all((old.results as { hash: string }[]).map((r) => c.env.TOKENS.delete(tokenKvKey(r.hash))));
  t.committed.push(event);
  const tenantUrl = `${publicBase(c.env, c.req.url)}/t/${t.slug}/scim/v2`;
  return c.json({ token, tenantUrl, note: "Shown once. Paste it into Entra as the Secret Token; the previous token no longer works." }, 201);
});

tokenRoutes.all("/", methodNotAllowed("POST"));
