import * as oauth from "oauth4webapi";
import type { Env } from "../platform/env";
import type { ProviderClient } from "./oidc";

/** Microsoft's public cloud; a local run points MICROSOFT_AUTHORITY at the loopback provider. */
export const MICROSOFT_AUTHORITY = "https://login.microsoftonline.com";
export const MICROSOFT = "microsoft";

export const allowsLoopbackSignIn = (env: Env) => env.SIGNIN_ALLOW_LOOPBACK_HTTP === "1";

export const microsoftAuthority = (env: Env) => (env.MICROSOFT_AUTHORITY || MICROSOFT_AUTHORITY).replace(/\/+$/, "");

/** The issuer of a Microsoft ID token from the Entra tenant `tid` (v2 endpoints). */
export const microsoftIssuer = (env: Env, tid: string) => `${microsoftAuthority(env)}/${tid}/v2.0`;

/**
 * The vendor's multi-tenant app registration (docs/people.md): its client id, and a certificate
 * (private_key_jwt, preferred) or a secret, all Worker secrets. Null when not configured.
 */
export async function microsoftClient(env: Env): Promise<ProviderClient | null> {
  const clientId = env.MICROSOFT_CLIENT_ID;
  if (!clientId) return null;
  let auth: oauth.ClientAuth;
  if (env.MICROSOFT_CLIENT_KEY && env.MICROSOFT_CLIENT_KEY_THUMBPRINT) {
    const thumbprint = env.MICROSOFT_CLIENT_KEY_THUMBPRINT;
    const key = await importPkcs8(env.MICROSOFT_CLIENT_KEY);
    auth = oauth.PrivateKeyJwt(key, {
      // Entra finds the certificate by its SHA-256 thumbprint in the assertion's header.
      [oauth.modifyAssertion]: (header) => {
        header["x5t#S256"] = thumbprint;
      },
    });
  } else if (env.MICROSOFT_CLIENT_SECRET) auth = oauth.ClientSecretPost(env.MICROSOFT_CLIENT_SECRET);
  else return null;
  const authority = microsoftAuthority(env);
  return {
    discoveryUrl: `${authority}/organizations/v2.0`,
    issuer: `${authority}/{tenantid}/v2.0`,
    clientId,
    auth,
    allowLoopbackHttp: allowsLoopbackSignIn(env),
  };
}

async function importPkcs8(pem: string): Promise<CryptoKey> {
  const body = pem.replace(/-----[^-]+-----/g, "").replace(/\s+/g, "");
  const der = Uint8Array.from(atob(body), (ch) => ch.charCodeAt(0));
  return crypto.subtle.importKey("pkcs8", der, { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" }, false, ["sign"]);
}

/** A tenant's own OpenID provider (signin_providers row): discovered from its issuer; a public client when it has no secret. */
export interface TenantProviderRow {
  id: string;
  name: string;
  issuer: string;
  client_id: string;
  client_secret: string | null;
}

export const tenantProviderClient = (env: Env, row: TenantProviderRow, secret: string | null): ProviderClient => ({
  discoveryUrl: row.issuer,
  issuer: row.issuer,
  clientId: row.client_id,
  auth: secret ? oauth.ClientSecretPost(secret) : oauth.None(),
  allowLoopbackHttp: allowsLoopbackSignIn(env),
});

/** The sealed client secret's purpose: its table, column and row, so a value moved elsewhere does not open. */
export const providerSecretPurpose = (id: string) => `signin_providers.client_secret/${id}`;
