import { type Context, Hono } from "hono";
import { publishQuietly, queueBus } from "../events/outbox";
import { cellWork, markWork } from "../fleet/work";
import { recordRefusal } from "../events/refusals";
import { audit } from "../events/types";
import { publicBase } from "../http/public-url";
import { clock } from "../platform/clock";
import type { AppBindings } from "../platform/env";
import { tenantDatabase } from "../tenants/resolve";
import { type ClientCredentials, clientCredentials } from "./client-auth";
import { NO_STORE, OAuthError, oauthErrorResponse, tooManyRequests } from "./errors";
import { readTokenForm } from "./form";
import { issueAccessToken } from "./grant";
import { decodeJwt } from "./jwt";
import { authorizationServerMetadata } from "./metadata";
import { RETRY_AFTER_SECONDS, withinLimit } from "./rate-limit";

/** The only scope there is: the tenant's SCIM API. */
export const SCIM_SCOPE = "scim";
/** RFC 6749 §3.3 scope-token: printable ASCII except space, `"` and `\`. */
const SCOPE_TOKEN = /^[\x21\x23-\x5B\x5D-\x7E]+$/;
const MAX_SCOPE_CHARS = 1000;

/** `POST /t/<tenant>/oauth/token`: RFC 6749 §4.4 client credentials, RFC 7523 client assertions. */
export const oauthRoutes = new Hono<AppBindings>();

oauthRoutes.post("/token", async (c) => {
  const slug = c.req.param("tenant") ?? "";
  const ip = c.req.header("CF-Connecting-IP") ?? "unknown";
  if (!(await withinLimit(c.env.OAUTH_LIMIT, `ip:${slug}:${ip}`))) return tooManyRequests(RETRY_AFTER_SECONDS);
  const db = tenantDatabase(c.env, slug);
  let creds: ClientCredentials | undefined;
  try {
    const params = await readTokenForm(c.req.raw);
    creds = clientCredentials(c.req.header("Authorization"), params);
    const grantType = params.get("grant_type");
    if (grantType === undefined) throw new OAuthError("invalid_request", "grant_type is required.");
    if (grantType !== "client_credentials")
      throw new OAuthError("unsupported_grant_type", "Only grant_type=client_credentials is supported.");
    grantedScope(params.get("scope"));
    // An unknown tenant answers exactly as an unknown client: nothing tells which tenants exist.
    if (!db) throw new OAuthError("invalid_client", "Client authentication failed.", "unknown tenant");
    const metadata = authorizationServerMetadata(publicBase(c.env, c.req.url), slug);
    const issued = await issueAccessToken(db, creds, clock.now(), [metadata.token_endpoint, metadata.issuer]);
    return c.json(
      { access_token: issued.accessToken, token_type: "Bearer", expires_in: issued.expiresIn, scope: SCIM_SCOPE },
      200,
      NO_STORE,
    );
  } catch (e) {
    const err = e instanceof OAuthError ? e : serverError(e, slug);
    // Failures count against the client they name; past the limit they are answered 429 and no
    // longer audited one by one (the limit bounds the writes an outsider can cause).
    if (creds && err.status < 500 && !(await withinLimit(c.env.OAUTH_LIMIT, `client:${slug}:${limitKey(creds)}`))) {
      return tooManyRequests(RETRY_AFTER_SECONDS);
    }
    if (db && err.status < 500) await auditRefusal(c, db, slug, err, creds, ip);
    return oauthErrorResponse(err);
  }
});

oauthRoutes.all("/token", () =>
  oauthErrorResponse(
    new OAuthError("invalid_request", "The token endpoint accepts POST only."),
    { Allow: "POST" },
    405,
  ),
);

/**
 * RFC 6749 §3.3 lets the server ignore requested scopes: every token is for the SCIM API of this
 * tenant, whatever else was asked (Entra may send its own scope names), and the response says
 * `scope: "scim"`. A scope that is not even well-formed is invalid_scope.
 */
function grantedScope(requested: string | undefined): void {
  if (requested === undefined) return;
  const tokens = requested.split(" ");
  if (requested.length > MAX_SCOPE_CHARS || tokens.some((t) => !SCOPE_TOKEN.test(t))) {
    throw new OAuthError("invalid_scope", "The scope is malformed (RFC 6749 §3.3); request scim or nothing.");
  }
}

/** The client a rate limit counts against; for an assertion, its (not yet verified) subject. */
function limitKey(creds: ClientCredentials): string {
  if (creds.method !== "private_key_jwt") return creds.clientId.slice(0, 100);
  const sub = creds.clientId ?? decodeJwt(creds.assertion)?.payload.sub;
  return typeof sub === "string" ? sub.slice(0, 100) : "-";
}

/** A bug must still answer in the OAuth shape (never a SCIM body), and leak nothing. */
function serverError(e: unknown, slug: string): OAuthError {
  console.error(JSON.stringify({ msg: "token endpoint error", tenant: slug, error: String((e as Error)?.stack ?? e) }));
  return new OAuthError("server_error", "The service could not complete the request.");
}

/** P23: the refusal with its reason and who asked; never the secret, the assertion or a token. */
async function auditRefusal(
  c: Context<AppBindings>,
  db: D1Database,
  slug: string,
  err: OAuthError,
  creds: ClientCredentials | undefined,
  ip: string,
) {
  const clientId =
    creds && (creds.method === "private_key_jwt" ? (creds.clientId ?? null) : creds.clientId.slice(0, 100));
  const event = audit("oauth", "refused", "Tenant", null, {
    endpoint: "oauth/token",
    status: err.status,
    error: err.code,
    reason: err.reason,
    method: creds?.method ?? null,
    clientId: clientId ?? null,
    source: ip,
  });
  if (!(await recordRefusal(db, event))) return;
  const publish = Promise.all([
    publishQuietly(queueBus(c.env.EVENTS), slug, [event]),
    markWork(cellWork(c.env), slug),
  ]).then(() => undefined);
  try {
    c.executionCtx.waitUntil(publish);
  } catch {
    // No execution context (direct app.request): the send still runs, unawaited.
  }
}
