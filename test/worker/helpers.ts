import { SELF, env } from "cloudflare:test";
import { insertTokenSql, prepared } from "../../src/tenants/token-rows";
import { type TokenScope, mintToken, tokenKvKey, tokenKvValue } from "../../src/tenants/tokens";

export const ORIGIN = "https://scim.test";
type TestEnv = { TOKENS: KVNamespace } & Record<string, unknown>;
const e = env as unknown as TestEnv;

export const tenantDb = (tenant: string) => e[`TENANT_${tenant.toUpperCase()}`] as D1Database;

/** Onboards a token the way the tenant CLI does: hash in the tenant's D1 and in KV. */
export async function issueToken(tenant: string, scope: TokenScope = "scim"): Promise<{ token: string; id: string }> {
  const minted = await mintToken(scope);
  // Inserted beside the tenant's other tokens, not rotated: suites sharing a tenant each keep theirs.
  await prepared(tenantDb(tenant), insertTokenSql(minted)).run();
  await e.TOKENS.put(tokenKvKey(minted.hash), tokenKvValue(tenant, minted));
  return { token: minted.token, id: minted.id };
}

export interface Client {
  base: string;
  fetch(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<Response>;
  get(path: string): Promise<Response>;
  post(path: string, body: unknown): Promise<Response>;
  put(path: string, body: unknown, headers?: Record<string, string>): Promise<Response>;
  patch(path: string, body: unknown, headers?: Record<string, string>): Promise<Response>;
  del(path: string): Promise<Response>;
}

/** A SCIM client for one tenant, talking to the Worker through its real fetch handler. */
export function scimClient(tenant: string, token: string): Client {
  const base = `${ORIGIN}/t/${tenant}/scim/v2`;
  const f = (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
    SELF.fetch(base + path, {
      method,
      headers: {
        Authorization: `Bearer ${token}`,
        ...(body !== undefined ? { "Content-Type": "application/scim+json" } : {}),
        ...headers,
      },
      body:
        body === undefined
          ? undefined
          : typeof body === "string" || body instanceof ReadableStream
            ? body
            : JSON.stringify(body),
    });
  return {
    base,
    fetch: f,
    get: (p) => f("GET", p),
    post: (p, b) => f("POST", p, b),
    put: (p, b, h) => f("PUT", p, b, h),
    patch: (p, b, h) => f("PATCH", p, b, h),
    del: (p) => f("DELETE", p),
  };
}

export async function newClient(tenant = "acme"): Promise<Client> {
  const { token } = await issueToken(tenant);
  return scimClient(tenant, token);
}

let seq = 0;
/** A valid Entra-shaped user with a unique userName. */
export function entraUser(over: Record<string, unknown> = {}): Record<string, unknown> {
  const n = `${Date.now().toString(36)}${(seq++).toString(36)}${Math.random().toString(36).slice(2, 6)}`;
  return {
    schemas: [
      "urn:ietf:params:scim:schemas:core:2.0:User",
      "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User",
    ],
    externalId: `ext-${n}`,
    userName: `user-${n}@contoso.com`,
    active: true,
    displayName: `User ${n}`,
    emails: [{ primary: true, type: "work", value: `user-${n}@contoso.com` }],
    name: { formatted: `Given ${n} Family`, familyName: "Family", givenName: `Given${n}` },
    "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": { department: "Sales" },
    ...over,
  };
}

export async function createUser(c: Client, over: Record<string, unknown> = {}): Promise<Record<string, any>> {
  const res = await c.post("/Users", entraUser(over));
  if (res.status !== 201) throw new Error(`create failed: ${res.status} ${await res.text()}`);
  return res.json();
}

export const patchOp = (...ops: unknown[]) => ({
  schemas: ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
  Operations: ops,
});

/** Asserts the SCIM error shape of RFC 7644 3.12 and returns the body. */
export async function scimError(
  res: Response,
): Promise<{ status: string; scimType?: string; detail: string; schemas: string[] }> {
  const body = (await res.json()) as any;
  if (!res.headers.get("Content-Type")?.startsWith("application/scim+json"))
    throw new Error("error without scim+json content type");
  if (body.schemas?.[0] !== "urn:ietf:params:scim:api:messages:2.0:Error")
    throw new Error(`not a SCIM error: ${JSON.stringify(body)}`);
  if (body.status !== String(res.status)) throw new Error(`status mismatch ${body.status} vs ${res.status}`);
  return body;
}

export async function createGroup(c: Client, over: Record<string, unknown> = {}): Promise<Record<string, any>> {
  const res = await c.post("/Groups", {
    schemas: ["urn:ietf:params:scim:schemas:core:2.0:Group"],
    displayName: `Group ${crypto.randomUUID()}`,
    externalId: crypto.randomUUID(),
    ...over,
  });
  if (res.status !== 201) throw new Error(`group create failed: ${res.status} ${await res.text()}`);
  return res.json();
}

/** The tenant's admin API, with a fresh admin token. */
export async function adminClient(tenant = "acme") {
  const { token } = await issueToken(tenant, "admin");
  const base = `${ORIGIN}/t/${tenant}/admin/api`;
  const f = (method: string, path: string, body?: unknown) =>
    SELF.fetch(base + path, {
      method,
      headers: {
        Authorization: `Bearer ${token}`,
        ...(body !== undefined ? { "Content-Type": "application/json" } : {}),
      },
      body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
    });
  return {
    base,
    /** The Authorization header value, for routes outside the admin API (the events poll). */
    token: `Bearer ${token}`,
    get: (p: string) => f("GET", p),
    post: (p: string, b?: unknown) => f("POST", p, b ?? {}),
    put: (p: string, b: unknown) => f("PUT", p, b),
    del: (p: string) => f("DELETE", p),
  };
}

/** Polls until `check` returns a value (real Queue delivery is asynchronous). */
export async function eventually<T>(check: () => Promise<T | undefined | null | false>, timeoutMs = 8000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > end) throw new Error("condition not reached in time");
    await new Promise((r) => setTimeout(r, 100));
  }
}

export async function auditRows(tenant: string, resourceId: string) {
  const { results } = await tenantDb(tenant)
    .prepare("SELECT action, actor, detail FROM audit_log WHERE resource_id = ?1 ORDER BY at")
    .bind(resourceId)
    .all<{ action: string; actor: string; detail: string }>();
  return results.map((r) => ({ ...r, detail: JSON.parse(r.detail) }));
}
