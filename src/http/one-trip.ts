import { bearerToken } from "../tenants/auth";
import { type TenantContext, tenantContext } from "../tenants/context";
import { guardedD1 } from "../tenants/guarded-db";
import { guardStatement, rememberedState, tokenGuardStatement, wasRefused } from "../tenants/one-trip";
import { rememberedToken } from "../tenants/token-index";
import { TOKEN_PATTERN, type TokenScope, sha256Hex } from "../tenants/tokens";

/**
 * The tenant context of a SCIM request BEFORE its token is known good, when this
 * isolate has what it takes to check the token inside the request's first D1 batch: the token's
 * KV record (the isolate's copy, so no KV read), the tenant's state as last read with a good
 * token, and no memory of D1 refusing the token. Its database is guarded (tenants/guarded-db.ts):
 * the first round trip carries the guard, which aborts it unless the token row is current and
 * the state unchanged; `onPassed` then runs, before the caller sees any result.
 *
 * Otherwise undefined, and the request takes the classic way (token check first). That is always
 * the way of a token this isolate does not know, so a made-up token has nothing of its request's
 * filter or body parsed or run, and costs the same whatever it carries.
 */
export async function speculativeTenant(
  header: string | undefined,
  slug: string,
  scope: TokenScope,
  db: D1Database,
  onPassed: (t: TenantContext, tokenId: string) => void,
): Promise<TenantContext | undefined> {
  const token = bearerToken(header);
  if (!token || !TOKEN_PATTERN.test(token)) return undefined;
  const state = rememberedState(slug);
  if (state === undefined) return undefined;
  const hash = await sha256Hex(token);
  const record = rememberedToken(hash);
  if (!record || record.tenant !== slug || record.scope !== scope || wasRefused(hash)) return undefined;
  const guardedToken = { tokenId: record.tokenId, hash, scope };
  const guarded = guardedD1(db, {
    first: () => guardStatement(db, { ...guardedToken, state }),
    later: () => tokenGuardStatement(db, guardedToken),
    onPassed: () => onPassed(t, record.tokenId),
  });
  const t = tenantContext(slug, guarded, state);
  return t;
}
