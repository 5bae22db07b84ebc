import { settingsFromRows } from "../settings/settings";
import { verifyAssertion, type Federation } from "./assertion";
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
export async function issueAccessToken(db: D1Database, creds: ClientCredentials, nowMs: number): Promise<IssuedToken> {
  const byClient = creds.method !== "private_key_jwt";
  const [found, lifetimeRows] = await db.batch([
    byClient ? clientStatement(db, creds.clientId) : federationsStatement(db),
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
