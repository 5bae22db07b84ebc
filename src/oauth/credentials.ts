/**
 * Formats of OAuth client ids, client secrets and access tokens, shared by the Worker and the
 * tenant CLI (Node runs src/cli/ as is, hence the `.ts` import, of a file without imports).
 * Secrets carry recognisable prefixes so secret scanners find a leaked one; 32 random bytes
 * each, so a plain SHA-256 is enough to store them.
 */
import { sha256Hex } from "../tenants/tokens.ts";

export const CLIENT_ID_PREFIX = "scimc_";
export const CLIENT_SECRET_PREFIX = "scimcs_";
export const ACCESS_TOKEN_PREFIX = "scimat_";

export const CLIENT_ID_PATTERN = /^scimc_[A-Za-z0-9_-]{22}$/;
export const CLIENT_SECRET_PATTERN = /^scimcs_[A-Za-z0-9_-]{43}$/;
export const ACCESS_TOKEN_PATTERN = /^scimat_[A-Za-z0-9_-]{43}$/;

/** Client secret lifetimes, as Entra's own: default one year, at most three. */
export const DEFAULT_SECRET_DAYS = 365;
export const MAX_SECRET_DAYS = 3 * 365;
export const CLIENT_NAME_MAX = 100;

const DAY_MS = 86_400_000;

function randomBase64url(bytes: number): string {
  const raw = crypto.getRandomValues(new Uint8Array(bytes));
  return btoa(String.fromCharCode(...raw))
    .replace(/\+/g, "-")
    .replace(/\//g, "_")
    .replace(/=+$/, "");
}

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
export const LIST_CLIENTS_SQL =
  "SELECT id AS clientId, name, created, expires, last_used AS lastUsed, revoked FROM oauth_clients ORDER BY created";
