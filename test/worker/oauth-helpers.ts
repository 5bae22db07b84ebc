import { SELF } from "cloudflare:test";
import { inject } from "vitest";
import { ORIGIN, adminClient, tenantDb } from "./helpers";

export { forge, makeSigner, type Signer } from "../blackbox/jwt-signer";

export const JWT_BEARER = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

/** A fresh source address per request, so the per-address rate limit of one test never meets another's. */
export const freshIp = () =>
  `2001:db8::${crypto
    .getRandomValues(new Uint16Array(3))
    .reduce((a, n) => `${a}:${n.toString(16)}`, "")
    .slice(1)}`;

export interface TokenRequest {
  form?: Record<string, string>;
  basic?: [string, string];
  ip?: string;
  headers?: Record<string, string>;
  body?: string;
}

export function tokenRequest(tenant: string, r: TokenRequest = {}): Promise<Response> {
  const headers: Record<string, string> = {
    "Content-Type": "application/x-www-form-urlencoded",
    "CF-Connecting-IP": r.ip ?? freshIp(),
    ...r.headers,
  };
  if (r.basic)
    headers.Authorization = `Basic ${btoa(`${encodeURIComponent(r.basic[0])}:${encodeURIComponent(r.basic[1])}`)}`;
  return SELF.fetch(`${ORIGIN}/t/${tenant}/oauth/token`, {
    method: "POST",
    headers,
    body: r.body ?? new URLSearchParams(r.form ?? {}).toString(),
  });
}

/** RFC 6749 §5.2: the error shape, never a SCIM body, and never cached. */
export async function oauthError(res: Response): Promise<{ error: string; error_description?: string }> {
  if (!res.headers.get("Content-Type")?.startsWith("application/json"))
    throw new Error(`not JSON: ${res.headers.get("Content-Type")}`);
  if (res.headers.get("Cache-Control") !== "no-store") throw new Error("error without Cache-Control: no-store");
  const body = (await res.json()) as Record<string, unknown>;
  if ("schemas" in body) throw new Error(`a SCIM body: ${JSON.stringify(body)}`);
  if (typeof body.error !== "string") throw new Error(`no error code: ${JSON.stringify(body)}`);
  return body as { error: string; error_description?: string };
}

export async function addClient(tenant: string, body: Record<string, unknown> = { name: "Entra" }) {
  const admin = await adminClient(tenant);
  const res = await admin.post("/oauth/clients", body);
  if (res.status !== 201) throw new Error(`client add failed: ${res.status} ${await res.text()}`);
  return {
    admin,
    ...((await res.json()) as { clientId: string; clientSecret: string; expires: string; tokenEndpoint: string }),
  };
}

export async function getToken(tenant: string, clientId: string, secret: string): Promise<string> {
  const res = await tokenRequest(tenant, { form: { grant_type: "client_credentials" }, basic: [clientId, secret] });
  if (res.status !== 200) throw new Error(`token failed: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { access_token: string }).access_token;
}

export const scimWith = (tenant: string, token: string, path = "/Users?count=1") =>
  SELF.fetch(`${ORIGIN}/t/${tenant}/scim/v2${path}`, { headers: { Authorization: `Bearer ${token}` } });

/** Moves the Worker's clock (the test Worker entry's route, test/worker-entry/clock.ts); 0 puts it back. */
export async function setClock(offsetMs: number): Promise<void> {
  const res = await SELF.fetch(`${ORIGIN}/test/clock`, { method: "PUT", body: JSON.stringify({ offsetMs }) });
  if (res.status !== 204) throw new Error(`clock not set: ${res.status}`);
}

/**
 * P23: the token endpoint's refusals as committed (the outbox rows the audit log is written from,
 * in the same request; the log itself fills asynchronously, see the queue test), oldest first.
 */
export async function oauthRefusals(tenant: string): Promise<{ detail: Record<string, unknown>; raw: string }[]> {
  const { results } = await tenantDb(tenant)
    .prepare(
      "SELECT payload FROM outbox WHERE kind = 'audit' AND json_extract(payload, '$.actor') = 'oauth' ORDER BY created, rowid",
    )
    .all<{ payload: string }>();
  return results.map((r) => ({ detail: JSON.parse(r.payload).detail, raw: r.payload }));
}

// ---- JWTs signed with WebCrypto keys (shared with the black-box suite), key sets served by the local JWKS host ----

declare module "vitest" {
  export interface ProvidedContext {
    /** Set by test/blackbox/jwks-server.ts (globalSetup). */
    jwksServerUrl: string;
  }
}

export const jwksHost = () => inject("jwksServerUrl");

/** Publishes a key set under a fresh name; returns its URL. */
export async function publishJwks(keys: unknown[], name = crypto.randomUUID()): Promise<{ url: string; name: string }> {
  const url = `${jwksHost()}/jwks/${name}`;
  const res = await fetch(url, { method: "PUT", body: JSON.stringify({ keys }) });
  if (res.status !== 204) throw new Error(`JWKS publish failed: ${res.status}`);
  return { url, name };
}

export async function jwksHits(name: string): Promise<number> {
  return ((await (await fetch(`${jwksHost()}/hits/${name}`)).json()) as { hits: number }).hits;
}

export const ENTRA_ISSUER = (tid: string) => `https://login.microsoftonline.com/${tid}/v2.0`;

/** Configures a federation on the tenant through the admin API; returns the claims that fit it. */
export async function addFederation(tenant: string, jwksUrl: string) {
  const issuer = ENTRA_ISSUER(crypto.randomUUID());
  const subject = crypto.randomUUID();
  const audience = `api://edge-scim/${tenant}`;
  const admin = await adminClient(tenant);
  const res = await admin.post("/oauth/federations", { name: "Entra WIF", issuer, subject, audience, jwksUrl });
  if (res.status !== 201) throw new Error(`federation add failed: ${res.status} ${await res.text()}`);
  const { id } = (await res.json()) as { id: string };
  return { id, admin, issuer, subject, audience };
}

export function claims(f: { issuer: string; subject: string; audience: string }, over: Record<string, unknown> = {}) {
  const now = Math.floor(Date.now() / 1000);
  return {
    iss: f.issuer,
    sub: f.subject,
    aud: f.audience,
    iat: now,
    nbf: now,
    exp: now + 600,
    jti: crypto.randomUUID(),
    ...over,
  };
}

export const assertionForm = (assertion: string, extra: Record<string, string> = {}) => ({
  grant_type: "client_credentials",
  client_assertion_type: JWT_BEARER,
  client_assertion: assertion,
  ...extra,
});
