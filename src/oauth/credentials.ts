/**
 * OAuth clients and access tokens (their formats sit with the other token formats in
 * tenants/tokens.ts), shared by the Worker and the tenant CLI (Node runs src/cli/ as is, hence the `.ts` import, of a file without imports).
 * Secrets carry recognisable prefixes so secret scanners find a leaked one; 32 random bytes
 * each, so a plain SHA-256 is enough to store them.
 */
import {
  ACCESS_TOKEN_PREFIX,
  CLIENT_ID_PATTERN,
  CLIENT_ID_PREFIX,
  CLIENT_SECRET_PREFIX,
  randomBase64url,
  sha256Hex,
} from "../tenants/tokens.ts";

/** The CLI checks a client id it is given against the format. */
export { CLIENT_ID_PATTERN };

/** Client secret lifetimes, as Entra's own: default one year, at most three. */
export const DEFAULT_SECRET_DAYS = 365;
export const MAX_SECRET_DAYS = 3 * 365;
export const CLIENT_NAME_MAX = 100;

const DAY_MS = 86_400_000;

export interface MintedClient {
  id: string;
  name: string;
  /** The secret: shown once, never stored or logged. */
  secret: string;
  secretHash: string;
  created: string;
  expires: string;
}

export async function mintClient(name: string, days: number, nowMs: number): Promise<MintedClient> {
  const secret = CLIENT_SECRET_PREFIX + randomBase64url(32);
  return {
    id: CLIENT_ID_PREFIX + randomBase64url(16),
    name,
    secret,
    secretHash: await sha256Hex(secret),
    created: new Date(nowMs).toISOString(),
    expires: new Date(nowMs + days * DAY_MS).toISOString(),
  };
}

export const mintAccessToken = () => ACCESS_TOKEN_PREFIX + randomBase64url(32);

/** The statement that stores a new client; numbered parameters in the order of `clientRow`. */
export const INSERT_CLIENT_SQL =
  "INSERT INTO oauth_clients (id, name, secret_hash, created, expires) VALUES (?1, ?2, ?3, ?4, ?5)";
export const clientRow = (c: MintedClient) => [c.id, c.name, c.secretHash, c.created, c.expires] as const;

/** Clients as the admin API and the CLI list them (never a hash). */
/** A client as listed by the CLI and the admin API (columns of LIST_CLIENTS_SQL); never its secret. */
export interface ClientListing {
  clientId: string;
  name: string;
  created: string;
  expires: string;
  lastUsed: string | null;
  revoked: string | null;
}

export const LIST_CLIENTS_SQL =
  "SELECT id AS clientId, name, created, expires, last_used AS lastUsed, revoked FROM oauth_clients ORDER BY created";
