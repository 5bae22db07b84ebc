import { Hono } from "hono";
import { methodNotAllowed } from "../http/respond";
import { commit } from "../events/commit";
import { audit } from "../events/types";
import { publicBase } from "../http/public-url";
import type { AppBindings } from "../platform/env";
import { currentTokensSql, prepared, rotateTokenSql, type TokenRow } from "../tenants/token-rows";
import { type TokenScope, mintToken, tokenKvKey, tokenKvValue } from "../tenants/tokens";

export const tokenRoutes = new Hono<AppBindings>();

/**
 * P2 "Generate token": a new SCIM token, shown once. The old one stops working at once because
 * the tenant's D1 (the truth, see tenants/auth.ts) revokes it in the same batch that stores the
 * new hash; its KV entry is deleted too, but KV may lag and that no longer matters.
 */
tokenRoutes.post("/", async (c) => {
  const t = c.var.t;
  const scope: TokenScope = "scim";
  const minted = await mintToken(scope);
  const event = audit("admin", "token", "Tenant", null, { scope, tokenId: minted.id });
  // The read of the current tokens is in the same transaction, so it names exactly the revoked ones.
  const [current] = await commit(t, [currentTokensSql(), ...rotateTokenSql(minted)].map((s) => prepared(t.db, s)), [event]);
  await c.env.TOKENS.put(tokenKvKey(minted.hash), tokenKvValue(t.slug, minted));
  const old = (current.results as TokenRow[]).filter((r) => r.scope === scope);
  await Promise.all(old.map((r) => c.env.TOKENS.delete(tokenKvKey(r.hash))));
  const tenantUrl = `${publicBase(c.env, c.req.url)}/t/${t.slug}/scim/v2`;
  return c.json({ token: minted.token, tenantUrl, note: "Shown once. Paste it into Entra as the Secret Token; the previous token no longer works." }, 201);
});

tokenRoutes.all("/", methodNotAllowed("POST"));
