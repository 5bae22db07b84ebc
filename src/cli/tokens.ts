/**
 * The token SQL of ../tenants/token-rows.ts as text for `wrangler d1 execute --command`, which
 * takes no bound parameters. Formats, minting and hashing are the Worker's (../tenants/tokens.ts).
 */
import { currentTokensSql, revokeAllTokensSql, rotateTokenSql, type SqlText } from "../tenants/token-rows.ts";
import type { MintedToken } from "../tenants/tokens.ts";

const sqlLiteral = (value: string | null) => (value === null ? "NULL" : `'${value.replaceAll("'", "''")}'`);

/** `?N` -> the N-th parameter as an SQL literal (our statements use only numbered parameters). */
export const inlineSql = ({ sql, params }: SqlText) =>
  sql.replace(/\?(\d+)/g, (_, n: string) => sqlLiteral(params[Number(n) - 1]));

/**
 * One SQL text rotating each scope being issued. wrangler runs a multi-statement `--command` as
 * one batch, so the switch is atomic: the old token stops the moment the new one starts.
 */
export const replaceTokensSql = (tokens: readonly MintedToken[], now: Date = new Date()) =>
  tokens
    .flatMap((t) => rotateTokenSql(t, now))
    .map(inlineSql)
    .join("; ") + ";";

export const revokeAllTokensText = (now: Date = new Date()) => inlineSql(revokeAllTokensSql(now)) + ";";

export const CURRENT_TOKENS_SQL = inlineSql(currentTokensSql());
