import { tokenEndpointUrl } from "./admin/services/oauth";
import { type NewKey, addKey, revokeKey } from "./admin/services/keys";
import { type NewLink, issueSetupLink } from "./admin/services/setup-links";
import { type NewProvider, addProvider } from "./admin/services/signin-providers";
import { rotateScimToken } from "./admin/services/token";
import { hardDeleteUser } from "./admin/services/users";
import { type NewWebhook, addWebhook, testWebhook } from "./admin/services/webhooks";
import type { SequencerFor } from "./groups/sequencer";
import { publicBase } from "./http/public-url";
import { durableSequencer } from "./membership/sequencer";
import type { Env } from "./platform/env";
import { roleCatalog } from "./roles/catalog";
import { sealerFor } from "./platform/seal";
import type { TenantContext } from "./tenants/context";
import { allowsLoopbackHttp } from "./webhooks/options";

/**
 * The services whose adapters come from the Worker's bindings (KV, the group Durable Object,
 * the public URL, the loopback flag), built once per request where the app is composed
 * (app.ts), so console pages and admin routes never read `c.env`. Services that need only the
 * tenant's D1 take the gate's `TenantContext` directly (admin/services/).
 */
export function requestServices(env: Env, requestUrl: string, tenant: () => TenantContext) {
  const sequencerFor: SequencerFor = (t) => durableSequencer(env.GROUPS, t);
  const base = () => publicBase(env, requestUrl);
  const urls = {
    /** The Tenant URL an admin pastes into Entra, and the SETs' issuer. */
    scim: () => `${base()}/t/${tenant().slug}/scim/v2`,
    tokenEndpoint: () => tokenEndpointUrl(base(), tenant().slug),
    poll: () => `${base()}/t/${tenant().slug}/events/poll`,
    /** The one redirect URI of every tenant's sign-in (docs/people.md). */
    signinCallback: () => `${base()}/signin/callback`,
    /** The public JWKS that verifies the tenant's SETs (no credential). */
    eventsJwks: () => `${base()}/t/${tenant().slug}/events/jwks.json`,
  };
  /** Seals and opens this tenant's stored secrets (platform/seal.ts, docs/secrets.md). */
  const sealer = () => sealerFor(env.SEAL_KEYS, tenant().slug);
  return {
    sequencerFor,
    urls,
    /** The vendor's role catalog (wrangler.toml ROLE_CATALOG, docs/roles.md). */
    roleCatalog: () => roleCatalog(env.ROLE_CATALOG),
    sealer,
    rotateScimToken: () => rotateScimToken(tenant(), env.TOKENS),
    addKey: (input: NewKey) => addKey(tenant(), env.TOKENS, input),
    revokeKey: (id: string) => revokeKey(tenant(), env.TOKENS, id),
    issueSetupLink: (input: NewLink) => issueSetupLink(tenant(), base(), input),
    addSigninProvider: (input: NewProvider) =>
      addProvider(tenant(), sealer(), input, env.SIGNIN_ALLOW_LOOPBACK_HTTP === "1"),
    hardDeleteUser: (id: string) => hardDeleteUser(tenant(), sequencerFor(tenant()), id),
    /** `npm start` and the tests: an event endpoint may be `http://127.0.0.1:<port>/…` (the console's hint says so). */
    allowsLoopbackHttp: allowsLoopbackHttp(env),
    addWebhook: (body: NewWebhook) =>
      addWebhook(tenant(), sealer(), body, { allowLoopbackHttp: allowsLoopbackHttp(env), issuer: urls.scim() }),
    /** The URL is checked again with the Worker's loopback flag as it is now. */
    testWebhook: (id: string) => testWebhook(tenant().db, sealer(), id, { allowLoopbackHttp: allowsLoopbackHttp(env) }),
  };
}

export type RequestServices = ReturnType<typeof requestServices>;

declare module "hono" {
  interface ContextVariableMap {
    services: RequestServices;
  }
}
