import type { Env } from "../platform/env";
import { bearerToken } from "../tenants/auth";
import { tenantDatabase, tenantsOf } from "../tenants/resolve";
import { lookupToken } from "../tenants/token-index";
import { ACCESS_TOKEN_PATTERN, POLL_TOKEN_PATTERN, TOKEN_PATTERN, sha256Hex } from "../tenants/tokens";

/**
 * What refusing a credential at an unknown tenant slug costs, made the cost of refusing it at a
 * known one, so that the time of one refusal does not tell whether a slug exists (a known slug
 * pays the token's hash, its KV lookup for a Secret Token, and one D1 round trip of fixed cost
 * before it refuses; see tenants/auth.ts). The same shapes pay the same steps: nothing for a
 * missing or malformed token, the KV lookup only for a Secret Token, one D1 round trip for any
 * well-formed token.
 *
 * The round trip goes to a database this Worker already holds (the first tenant bound to it,
 * in the same cell, so at a like distance) and carries statements that read no table: no
 * tenant's rows are read, locked or written, and the result is dropped. A cell without tenants
 * has no slug to tell apart.
 */
export async function payUnknownTenant(env: Env, header: string | undefined): Promise<void> {
  const token = bearerToken(header);
  if (!token) return;
  const secret = TOKEN_PATTERN.test(token);
  if (!secret && !ACCESS_TOKEN_PATTERN.test(token) && !POLL_TOKEN_PATTERN.test(token)) return;
  const hash = await sha256Hex(token);
  const first = tenantsOf(env)[0];
  const db = first === undefined ? undefined : tenantDatabase(env, first);
  await Promise.all([
    secret ? lookupToken(env.TOKENS, hash) : undefined,
    // The token check's shape (the token row, the tenant state), without a table.
    db?.batch([db.prepare("SELECT NULL AS id, NULL AS hash WHERE 0"), db.prepare("SELECT '[]' AS state")]),
  ]).catch(() => undefined);
}
