import * as oauth from "oauth4webapi";
import { clock } from "../platform/clock";

/**
 * OpenID Connect with oauth4webapi: discovery, the authorization request (code, PKCE S256,
 * state, nonce) and the code exchange with the ID token's checks (signature, iss, aud, exp,
 * nonce: OpenID Connect Core 3.1.3.7). Providers are reached over https; a loopback http
 * provider only when the local-only flag says so (docs/people.md).
 */
export interface ProviderClient {
  /** The issuer to discover (for Microsoft, its `organizations` authority). */
  discoveryUrl: string;
  /**
   * The issuer the metadata must name, or a template with `{tenantid}` (Microsoft's multi-tenant
   * metadata), in which case each ID token's issuer is the template filled with its `tid` claim.
   */
  issuer: string;
  clientId: string;
  auth: oauth.ClientAuth;
  allowLoopbackHttp: boolean;
}

/**
 * oauth4webapi's hooks for Microsoft's multi-tenant metadata (the issuer a template), exported
 * but left out of its types; openid-client uses them the same way.
 */
const internals = oauth as unknown as { _nodiscoverycheck: symbol; _expectedIssuer: symbol };

const DISCOVERY_TTL_MS = 3600_000;
const discovered = new Map<string, { as: oauth.AuthorizationServer; until: number }>();

export const isLoopbackHttp = (url: string) => /^http:\/\/(127\.0\.0\.1|localhost|\[::1\])(:\d+)?\//.test(url);

function requestOptions(p: ProviderClient, url: string) {
  const insecure = p.allowLoopbackHttp && isLoopbackHttp(url);
  return { [oauth.allowInsecureRequests]: insecure, signal: AbortSignal.timeout(5000) };
}

/** The provider's metadata, kept for an hour per isolate. Throws when it is unreachable or not the issuer's. */
export async function discover(p: ProviderClient): Promise<oauth.AuthorizationServer> {
  const hit = discovered.get(p.discoveryUrl);
  if (hit && hit.until > Date.now()) return hit.as;
  if (p.discoveryUrl.startsWith("http:") && !(p.allowLoopbackHttp && isLoopbackHttp(p.discoveryUrl)))
    throw new Error("the provider must use https");
  const url = new URL(p.discoveryUrl);
  const templated = p.issuer.includes("{tenantid}");
  const res = await oauth.discoveryRequest(url, { algorithm: "oidc", ...requestOptions(p, p.discoveryUrl) });
  const expected = templated ? (internals._nodiscoverycheck as unknown as URL) : new URL(p.issuer);
  const as = await oauth.processDiscoveryResponse(expected, res);
  if (as.issuer !== p.issuer) throw new Error(`the provider's metadata names the issuer ${as.issuer}`);
  if (templated)
    (as as unknown as Record<symbol, unknown>)[internals._expectedIssuer] = (result: { claims: { tid?: unknown } }) =>
      p.issuer.replace("{tenantid}", String(result.claims.tid));
  discovered.set(p.discoveryUrl, { as, until: Date.now() + DISCOVERY_TTL_MS });
  return as;
}

/**
 * RFC 9207's `iss` in the authorization response names one tenant's issuer where the metadata has
 * the template: one that fits the template is taken out (the ID token's issuer is checked later,
 * against its `tid`); one that does not is left for oauth4webapi to refuse.
 */
function templatedIssParam(p: ProviderClient, url: URL): URL {
  const iss = url.searchParams.get("iss");
  if (!iss || !p.issuer.includes("{tenantid}")) return url;
  const [before, after] = p.issuer.split("{tenantid}");
  const tid = iss.startsWith(before) && iss.endsWith(after) ? iss.slice(before.length, iss.length - after.length) : "";
  if (!/^[0-9a-f-]{36}$/.test(tid)) return url;
  const copy = new URL(url);
  copy.searchParams.delete("iss");
  return copy;
}

export interface FlowSecrets {
  state: string;
  nonce: string;
  verifier: string;
}

export async function authorizationUrl(
  p: ProviderClient,
  redirectUri: string,
  secrets: FlowSecrets,
  loginHint?: string,
): Promise<string> {
  const as = await discover(p);
  if (!as.authorization_endpoint) throw new Error("the provider has no authorization endpoint");
  const url = new URL(as.authorization_endpoint);
  url.searchParams.set("client_id", p.clientId);
  url.searchParams.set("redirect_uri", redirectUri);
  url.searchParams.set("response_type", "code");
  url.searchParams.set("scope", "openid email profile");
  url.searchParams.set("state", secrets.state);
  url.searchParams.set("nonce", secrets.nonce);
  url.searchParams.set("code_challenge", await oauth.calculatePKCECodeChallenge(secrets.verifier));
  url.searchParams.set("code_challenge_method", "S256");
  if (loginHint) url.searchParams.set("login_hint", loginHint);
  return url.href;
}

/**
 * The callback's code for the ID token's claims, every check of oauth4webapi passed: the state,
 * the provider's error, PKCE (the provider refuses a code without its verifier), the token's
 * signature against the provider's keys, issuer, audience, expiry (by the service's clock) and nonce.
 */
export async function exchangeCode(
  p: ProviderClient,
  callbackUrl: URL,
  redirectUri: string,
  secrets: FlowSecrets,
): Promise<oauth.IDToken> {
  const as = await discover(p);
  const client: oauth.Client = {
    client_id: p.clientId,
    // The test clock (platform/clock.ts) moves oauth4webapi's clock too: skew is "true minus local".
    [oauth.clockSkew]: Math.round((clock.now() - Date.now()) / 1000),
  };
  const params = oauth.validateAuthResponse(as, client, templatedIssParam(p, callbackUrl), secrets.state);
  const res = await oauth.authorizationCodeGrantRequest(as, client, p.auth, params, redirectUri, secrets.verifier, {
    ...requestOptions(p, as.token_endpoint ?? ""),
  });
  const result = await oauth.processAuthorizationCodeResponse(as, client, res, {
    expectedNonce: secrets.nonce,
    requireIdToken: true,
  });
  const claims = oauth.getValidatedIdTokenClaims(result);
  if (!claims) throw new Error("the provider sent no ID token");
  // oauth4webapi trusts the TLS channel for the token response; the signature is checked too, as the gallery asks.
  await oauth.validateApplicationLevelSignature(as, res, requestOptions(p, as.jwks_uri ?? ""));
  return claims;
}
