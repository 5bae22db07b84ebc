import { Hono } from "hono";
import { z } from "zod";
import { outboxStatement } from "../events/outbox";
import { methodNotAllowed } from "../http/respond";
import { audit } from "../events/types";
import {
  CLIENT_NAME_MAX,
  DEFAULT_SECRET_DAYS,
  INSERT_CLIENT_SQL,
  LIST_CLIENTS_SQL,
  MAX_SECRET_DAYS,
  clientRow,
  mintClient,
} from "../oauth/credentials";
import { clock } from "../platform/clock";
import type { AppBindings } from "../platform/env";
import { adminError } from "./errors";
import { valid } from "./validate";

/** Issue 11: the tenant's OAuth clients (client credentials) and workload identity federations. */
export const oauthAdminRoutes = new Hono<AppBindings>();

const tokenEndpoint = (url: string, slug: string) => `${new URL(url).origin}/t/${slug}/oauth/token`;

oauthAdminRoutes.get("/clients", async (c) => {
  const { results } = await c.var.t.db.prepare(LIST_CLIENTS_SQL).all();
  return c.json({ clients: results, tokenEndpoint: tokenEndpoint(c.req.url, c.var.t.slug) });
});

const newClient = z
  .object({
    name: z.string().trim().min(1).max(CLIENT_NAME_MAX),
    expiresInDays: z.number().int().min(1).max(MAX_SECRET_DAYS).optional(),
  })
  .strict();

/** A new client id and secret (the secret shown only here); older clients keep working until revoked. */
oauthAdminRoutes.post("/clients", valid("json", newClient), async (c) => {
  const t = c.var.t;
  const { name, expiresInDays } = c.req.valid("json");
  const client = await mintClient(name, expiresInDays ?? DEFAULT_SECRET_DAYS, clock.now());
  const event = audit("admin", "oauth-client", "Tenant", null, { added: client.id, name, expires: client.expires });
  await t.db.batch([t.db.prepare(INSERT_CLIENT_SQL).bind(...clientRow(client)), outboxStatement(t.db, [event])]);
  t.committed.push(event);
  return c.json(
    {
      clientId: client.id,
      clientSecret: client.secret,
      name,
      created: client.created,
      expires: client.expires,
      tokenEndpoint: tokenEndpoint(c.req.url, t.slug),
      note: "The secret is shown once. Paste the client id, the secret and the token endpoint into Entra.",
    },
    201,
  );
});

/** Revocation stops the client's access tokens at once: every SCIM request checks this row. */
oauthAdminRoutes.delete("/clients/:id", async (c) => {
  const t = c.var.t;
  const id = c.req.param("id");
  const event = audit("admin", "oauth-client", "Tenant", null, { revoked: id.slice(0, 100) });
  const [res] = await t.db.batch([
    t.db.prepare("UPDATE oauth_clients SET revoked = ?2 WHERE id = ?1 AND revoked IS NULL").bind(id, clock.iso()),
    outboxStatement(t.db, [event], { ifPreviousChanged: true }),
  ]);
  if (res.meta.changes === 0) throw adminError(404, `No active OAuth client "${id.slice(0, 100)}".`);
  t.committed.push(event);
  return c.body(null, 204);
});

const LOOPBACK_HOSTS = new Set(["127.0.0.1", "localhost", "[::1]"]);

/** https, or http to a loopback host (local development and tests serve their own key set). */
const jwksUrl = z
  .string()
  .max(2048)
  .refine((s) => {
    const u = URL.canParse(s) ? new URL(s) : undefined;
    return u !== undefined && (u.protocol === "https:" || (u.protocol === "http:" && LOOPBACK_HOSTS.has(u.hostname)));
  }, "an https URL (http only for a loopback host)");

const newFederation = z
  .object({
    name: z.string().trim().min(1).max(CLIENT_NAME_MAX),
    /** Entra: https://login.microsoftonline.com/<entra tenant id>/v2.0 */
    issuer: z.string().min(1).max(512),
    subject: z.string().min(1).max(512),
    audience: z.string().min(1).max(512),
    jwksUrl,
  })
  .strict();

const FEDERATION_COLUMNS = "id, name, issuer, subject, audience, jwks_url AS jwksUrl, created, last_used AS lastUsed";

oauthAdminRoutes.get("/federations", async (c) => {
  const { results } = await c.var.t.db
    .prepare(`SELECT ${FEDERATION_COLUMNS} FROM oauth_federations ORDER BY created`)
    .all();
  return c.json({ federations: results, tokenEndpoint: tokenEndpoint(c.req.url, c.var.t.slug) });
});

oauthAdminRoutes.post("/federations", valid("json", newFederation), async (c) => {
  const t = c.var.t;
  const f = c.req.valid("json");
  const id = crypto.randomUUID();
  const created = clock.iso();
  const event = audit("admin", "oauth-federation", "Tenant", null, {
    added: id,
    name: f.name,
    issuer: f.issuer,
    subject: f.subject,
  });
  const [res] = await t.db.batch([
    t.db
      .prepare(
        `INSERT INTO oauth_federations (id, name, issuer, subject, audience, jwks_url, created)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT (issuer, subject) DO NOTHING`,
      )
      .bind(id, f.name, f.issuer, f.subject, f.audience, f.jwksUrl, created),
    outboxStatement(t.db, [event], { ifPreviousChanged: true }),
  ]);
  if (res.meta.changes === 0)
    throw adminError(409, "A federation with this issuer and subject exists; remove it first.");
  t.committed.push(event);
  return c.json({ id, ...f, created, lastUsed: null, tokenEndpoint: tokenEndpoint(c.req.url, t.slug) }, 201);
});

/** Removing a federation stops the access tokens issued through it at once. */
oauthAdminRoutes.delete("/federations/:id", async (c) => {
  const t = c.var.t;
  const id = c.req.param("id");
  const event = audit("admin", "oauth-federation", "Tenant", null, { removed: id.slice(0, 100) });
  const [res] = await t.db.batch([
    t.db.prepare("DELETE FROM oauth_federations WHERE id = ?1").bind(id),
    outboxStatement(t.db, [event], { ifPreviousChanged: true }),
  ]);
  if (res.meta.changes === 0) throw adminError(404, `No federation "${id.slice(0, 100)}".`);
  t.committed.push(event);
  return c.body(null, 204);
});

oauthAdminRoutes.all("/clients", methodNotAllowed("GET, POST"));
oauthAdminRoutes.all("/clients/:id", methodNotAllowed("DELETE"));
oauthAdminRoutes.all("/federations", methodNotAllowed("GET, POST"));
oauthAdminRoutes.all("/federations/:id", methodNotAllowed("DELETE"));
