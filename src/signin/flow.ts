import * as oauth from "oauth4webapi";
import { commit } from "../events/commit";
import { recordRefusal } from "../events/refusals";
import { type OutboxEvent, type Principal, audit } from "../events/types";
import { randomBase64url } from "../platform/base64url";
import { clock } from "../platform/clock";
import type { Env } from "../platform/env";
import { sealerFor } from "../platform/seal";
import { sha256Hex } from "../tenants/tokens";
import { linkById } from "./links";
import { authorizationUrl, exchangeCode, type ProviderClient } from "./oidc";
import {
  MICROSOFT,
  microsoftClient,
  providerSecretPurpose,
  microsoftIssuer,
  tenantProviderClient,
  type TenantProviderRow,
} from "./providers";

/** A sign-in must come back from the provider within this time. */
const FLOW_MINUTES = 10;
const MAX_CLAIM = 320;

/** Why a sign-in was refused: the sign-in page's message for each (console/pages/sign-in.tsx). */
export type SignInRefusal =
  | "flow"
  | "browser"
  | "provider"
  | "entra-tenant"
  | "not-admin"
  | "unverified-email"
  | "link"
  | "link-email"
  | "unavailable";

export interface Identity {
  provider: string;
  issuer: string;
  subject: string;
  email: string;
  name: string;
  /** Microsoft only: the person's Entra tenant. */
  tid?: string;
}

export async function providerFor(env: Env, slug: string, db: D1Database, ref: string): Promise<ProviderClient | null> {
  if (ref === MICROSOFT) return microsoftClient(env);
  const row = await db
    .prepare("SELECT id, name, issuer, client_id, client_secret FROM signin_providers WHERE id = ?1")
    .bind(ref)
    .first<TenantProviderRow>();
  if (!row) return null;
  // The secret is stored sealed (platform/seal.ts) and opened only for the code exchange's client.
  const secret = row.client_secret
    ? await sealerFor(env.SEAL_KEYS, slug).open(providerSecretPurpose(row.id), row.client_secret)
    : null;
  return tenantProviderClient(env, row, secret);
}

/**
 * Starts a sign-in: state (carrying the tenant, so the one redirect URI serves every tenant),
 * nonce and PKCE verifier are kept server-side, bound to the browser by the hash of a cookie
 * secret; returns the provider's URL and that secret.
 */
export async function startFlow(
  env: Env,
  slug: string,
  db: D1Database,
  ref: string,
  redirectUri: string,
  link?: { id: string; email: string | null },
): Promise<{ url: string; browser: string } | null> {
  const provider = await providerFor(env, slug, db, ref);
  if (!provider) return null;
  const secrets = {
    state: `${slug}.${randomBase64url(32)}`,
    nonce: oauth.generateRandomNonce(),
    verifier: oauth.generateRandomCodeVerifier(),
  };
  const browser = randomBase64url(32);
  const now = clock.now();
  const url = await authorizationUrl(provider, redirectUri, secrets, link?.email ?? undefined);
  await db.batch([
    db.prepare("DELETE FROM signin_flows WHERE expires <= ?1").bind(new Date(now).toISOString()),
    db
      .prepare(
        "INSERT INTO signin_flows (hash, browser, provider, nonce, verifier, link_id, expires) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
      )
      .bind(
        await sha256Hex(secrets.state),
        await sha256Hex(browser),
        ref,
        secrets.nonce,
        secrets.verifier,
        link?.id ?? null,
        new Date(now + FLOW_MINUTES * 60_000).toISOString(),
      ),
  ]);
  return { url, browser };
}

/** The tenant a callback's state names (the part before the first dot), unchecked. */
export const slugOfState = (state: string | null) =>
  state && /^[a-z0-9-]{1,40}\./.test(state) ? state.split(".")[0] : null;

interface FlowRow {
  browser: string;
  provider: string;
  nonce: string;
  verifier: string;
  link_id: string | null;
  expires: string;
}

export type FinishResult =
  | { ok: true; principal: Principal; viaLink: boolean; committed: OutboxEvent[] }
  | { ok: false; refusal: SignInRefusal; committed: OutboxEvent[] };

/**
 * The callback: the flow is taken (deleted) first, so a replayed state or nonce finds nothing;
 * then the provider's answer is checked (oidc.ts), then who the person is: with a setup link
 * they become an admin with its role, otherwise they must already be one. Every refusal is
 * audited and changes nothing else.
 */
export async function finishFlow(
  env: Env,
  slug: string,
  db: D1Database,
  callbackUrl: URL,
  redirectUri: string,
  browserCookie: string | undefined,
): Promise<FinishResult> {
  const committed: OutboxEvent[] = [];
  const refuse = async (refusal: SignInRefusal, reason: string, extra: Record<string, unknown> = {}) => {
    const event = audit("signin", "refused", "Tenant", null, {
      step: "sign-in",
      refusal,
      reason: reason.slice(0, 300),
      ...extra,
    });
    if (await recordRefusal(db, event)) committed.push(event);
    return { ok: false as const, refusal, committed };
  };
  const state = callbackUrl.searchParams.get("state") ?? "";
  const flow = await db
    .prepare("DELETE FROM signin_flows WHERE hash = ?1 RETURNING browser, provider, nonce, verifier, link_id, expires")
    .bind(await sha256Hex(state))
    .first<FlowRow>();
  if (!flow) return refuse("flow", "unknown or already used state");
  if (flow.expires <= clock.iso()) return refuse("flow", "the sign-in took too long");
  if (!browserCookie || (await sha256Hex(browserCookie)) !== flow.browser)
    return refuse("browser", "the callback came to another browser than the one that started the sign-in");
  const provider = await providerFor(env, slug, db, flow.provider);
  if (!provider) return refuse("unavailable", `provider ${flow.provider} is not configured`);
  let claims: oauth.IDToken;
  try {
    claims = await exchangeCode(provider, callbackUrl, redirectUri, {
      state,
      nonce: flow.nonce,
      verifier: flow.verifier,
    });
  } catch (e) {
    return refuse("provider", e instanceof Error ? e.message : String(e), { provider: flow.provider });
  }
  const identity = identityOf(env, flow.provider, claims);
  if (typeof identity === "string") return refuse("provider", identity, { provider: flow.provider });
  const who = { provider: identity.provider, subject: identity.subject, email: identity.email, name: identity.name };
  if (claims.email_verified === false) return refuse("unverified-email", "email_verified is false", who);
  if (flow.link_id) return useLink(db, flow.link_id, identity, committed, refuse);
  if (identity.tid) {
    const known = await db.prepare("SELECT 1 FROM entra_tenants WHERE tid = ?1").bind(identity.tid).first();
    if (!known) return refuse("entra-tenant", `Entra tenant ${identity.tid} is not one of this tenant's`, who);
  }
  const admin = await db
    .prepare("SELECT id, role FROM admins WHERE issuer = ?1 AND subject = ?2 AND removed IS NULL")
    .bind(identity.issuer, identity.subject)
    .first<{ id: string; role: Principal["role"] }>();
  if (!admin) return refuse("not-admin", "no admin with this identity", who);
  const principal = personPrincipal(admin.id, admin.role, identity);
  await commit(
    { db, committed, principal },
    [
      db
        .prepare("UPDATE admins SET last_sign_in = ?1, email = ?2, name = ?3 WHERE id = ?4")
        .bind(clock.iso(), identity.email, identity.name, admin.id),
    ],
    [audit("admin", "sign-in", "Tenant", null, { admin: admin.id })],
  );
  return { ok: true, principal, viaLink: false, committed };
}

const personPrincipal = (id: string, role: Principal["role"], who: Identity): Principal => ({
  actor: `person:${id}`,
  id,
  role,
  by: { kind: "person", provider: who.provider, subject: who.subject, email: who.email, name: who.name },
  viaKey: false,
});

const claim = (v: unknown) => (typeof v === "string" && v.length > 0 && v.length <= MAX_CLAIM ? v : undefined);

/** Who the ID token names, or why it names no one this service accepts. */
function identityOf(env: Env, ref: string, claims: oauth.IDToken): Identity | string {
  const email = claim(claims.email) ?? claim(claims.preferred_username);
  if (!email) return "the ID token has no email";
  const name = claim(claims.name) ?? email;
  if (ref !== MICROSOFT) return { provider: "oidc", issuer: claims.iss, subject: claims.sub, email, name };
  const tid = claim(claims.tid);
  const oid = claim(claims.oid);
  if (!tid || !oid) return "the ID token has no tid or oid";
  // Microsoft's v2 issuer names the person's Entra tenant; the two must agree.
  if (claims.iss !== microsoftIssuer(env, tid)) return `issuer ${claims.iss} does not match tid ${tid}`;
  return { provider: MICROSOFT, issuer: claims.iss, subject: oid, email, name, tid };
}

/** The writes after the link's UPDATE happen only if it took the link (?2 now, ?3 link id, ?4 admin id). */
const TAKEN = "EXISTS (SELECT 1 FROM setup_links WHERE id = ?3 AND used = ?2 AND used_by = ?4)";

async function useLink(
  db: D1Database,
  linkId: string,
  who: Identity,
  committed: OutboxEvent[],
  refuse: (r: SignInRefusal, reason: string, extra?: Record<string, unknown>) => Promise<FinishResult>,
): Promise<FinishResult> {
  const link = await linkById(db, linkId);
  const now = clock.iso();
  if (!link || link.used || link.expires <= now) return refuse("link", "the setup link was used or expired meanwhile");
  if (link.email && link.email !== who.email.toLowerCase())
    return refuse("link-email", "the invitation is for another email address", { email: who.email });
  const newId = crypto.randomUUID();
  const existing = await db
    .prepare("SELECT id, role, removed FROM admins WHERE issuer = ?1 AND subject = ?2")
    .bind(who.issuer, who.subject)
    .first<{ id: string; role: string; removed: string | null }>();
  const id = existing?.id ?? newId;
  // A link never demotes an owner who is still one (the last owner stays an owner).
  const role = existing && !existing.removed && existing.role === "owner" ? "owner" : link.role;
  const principal = personPrincipal(id, role, who);
  const [taken] = await commit(
    { db, committed, principal },
    [
      db
        .prepare("UPDATE setup_links SET used = ?1, used_by = ?2 WHERE id = ?3 AND used IS NULL AND expires > ?1")
        .bind(now, id, linkId),
      ...(who.tid
        ? [
            db
              .prepare(`INSERT OR IGNORE INTO entra_tenants (tid, added) SELECT ?1, ?2 WHERE ${TAKEN}`)
              .bind(who.tid, now, linkId, id),
          ]
        : []),
      db
        .prepare(
          `INSERT INTO admins (id, role, provider, issuer, subject, email, name, created, last_sign_in)
           SELECT ?4, ?1, ?5, ?6, ?7, ?8, ?9, ?2, ?2 WHERE ${TAKEN}
           ON CONFLICT (issuer, subject) DO UPDATE SET role = excluded.role, email = excluded.email,
             name = excluded.name, last_sign_in = excluded.last_sign_in, removed = NULL`,
        )
        .bind(role, now, linkId, id, who.provider, who.issuer, who.subject, who.email, who.name),
    ],
    [audit("admin", "setup-link", "Tenant", null, { used: linkId, admin: id, role, entraTenant: who.tid ?? null })],
    { ifLastChanged: true },
  );
  if (taken.meta.changes !== 1) return refuse("link", "the setup link was used meanwhile");
  return { ok: true, principal, viaLink: true, committed };
}
