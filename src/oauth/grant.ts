import { settingsFromRows } from "../settings/settings";
import { verifyAssertion, type Federation } from "./assertion";
import { verifyClientAssertion } from "./client-keys";
import { CLIENT_ID_PATTERN } from "./credentials";
import { decodeJwt } from "./jwt";
import type { ClientCredentials } from "./client-auth";
import { sha256Hex } from "../tenants/tokens";
import { mintAccessToken } from "./credentials";
import { OAuthError } from "./errors";
import {
  type ClientRow,
  type Grant,
  clientStatement,
  federationsStatement,
  lifetimeStatement,
  storeAccessToken,
} from "./store";

export interface IssuedToken {
  accessToken: string;
  expiresIn: number;
  grant: Grant;
}

const invalidClient = (reason: string) => new OAuthError("invalid_client", "Client authentication failed.", reason);

/**
 * RFC 6749 §4.4.2-4.4.3: authenticates the client against this tenant's D1 (one batch reads the
 * client or the federation configs and the token lifetime setting), then stores the hash of a
 * new access token (a second batch). Only these two round trips; the token request is hourly.
 */
export async function issueAccessToken(
  db: D1Database,
  creds: ClientCredentials,
  nowMs: number,
  /** RFC 7523 §3 item 3 for a registered client's assertion: the token endpoint URL or the tenant's issuer. */
  audiences: string[],
): Promise<IssuedToken> {
  // An assertion names a registered client by client_id or its `sub` (scimc_…); anything else
  // is a workload identity federation's.
  const assertionClient =
    creds.method === "private_key_jwt" ? (creds.clientId ?? decodeJwt(creds.assertion)?.payload.sub) : undefined;
  const keyClient = typeof assertionClient === "string" && CLIENT_ID_PATTERN.test(assertionClient);
  const byClient = creds.method !== "private_key_jwt" || keyClient;
  const clientId = creds.method !== "private_key_jwt" ? creds.clientId : (assertionClient as string);
  const [found, lifetimeRows] = await db.batch([
    byClient ? clientStatement(db, clientId) : federationsStatement(db),
    lifetimeStatement(db),
  ]);
  const lifetime = settingsFromRows(lifetimeRows.results as { key: string; value: string }[]).accessTokenLifetime;
  const created = new Date(nowMs).toISOString();
  const token = mintAccessToken();
  const row = {
    id: crypto.randomUUID(),
    hash: await sha256Hex(token),
    created,
    expires: new Date(nowMs + lifetime * 1000).toISOString(),
  };

  if (creds.method === "private_key_jwt" && keyClient) {
    const client = found.results[0] as ClientRow | undefined;
    if (!client) throw invalidClient("unknown client_id");
    if (!client.public_jwks) throw invalidClient("the client has no registered keys (it uses a secret)");
    if (client.revoked) throw invalidClient("the client was revoked");
    if (client.expires <= created) throw invalidClient("the client has expired");
    const verified = await verifyClientAssertion(creds.assertion, client.id, client.public_jwks, audiences, nowMs);
    const grant: Grant = { kind: "client", id: client.id };
    const jti = { issuer: client.id, value: verified.jti, expires: new Date(verified.expires * 1000).toISOString() };
    if (!(await storeAccessToken(db, grant, row, jti))) throw invalidClient("the assertion's jti was already used");
    return { accessToken: token, expiresIn: lifetime, grant };
  }

  if (creds.method === "private_key_jwt") {
    const verified = await verifyAssertion(
      creds.assertion,
      creds.clientId,
      found.results as unknown as Federation[],
      nowMs,
    );
    const grant: Grant = { kind: "federation", id: verified.federation.id };
    const jti = {
      issuer: verified.federation.issuer,
      value: verified.jti,
      expires: new Date(verified.expires * 1000).toISOString(),
    };
    if (!(await storeAccessToken(db, grant, row, jti))) throw invalidClient("the assertion's jti was already used");
    return { accessToken: token, expiresIn: lifetime, grant };
  }

  const client = found.results[0] as ClientRow | undefined;
  const presented = await sha256Hex(creds.secret);
  // A client registered with keys has no secret to present (its stored hash is of one never shown).
  // Compared even for an unknown id, so timing does not tell which client ids exist.
  const matches = timingSafeEqualHex(client?.secret_hash ?? "0".repeat(64), presented);
  if (!client) throw invalidClient("unknown client_id");
  if (!matches) throw invalidClient("wrong client secret");
  if (client.revoked) throw invalidClient("the client secret was revoked");
  if (client.expires <= created) throw invalidClient("the client secret has expired");
  const grant: Grant = { kind: "client", id: client.id };
  await storeAccessToken(db, grant, row);
  return { accessToken: token, expiresIn: lifetime, grant };
}

function timingSafeEqualHex(a: string, b: string): boolean {
  const enc = new TextEncoder();
  const x = enc.encode(a);
  const y = enc.encode(b);
  return x.byteLength === y.byteLength && crypto.subtle.timingSafeEqual(x, y);
}
