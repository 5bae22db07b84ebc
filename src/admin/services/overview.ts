import { lastUseStatement } from "../../activity/connection";
import { health } from "../../activity/views";
import { type AuditRow, latestAuditStatement } from "../../events/audit-log";
import { countGroupsStatement } from "../../groups/repo";
import { prepared, tokenStatusSql } from "../../tenants/token-rows";
import { countUsersStatement } from "../../users/repo";
import { failingEndpoints } from "../../webhooks/health";

export type { FailingEndpoint } from "../../webhooks/health";

/** The tenant's provisioning health (activity/views.ts), for the Overview page. */
export { health };
/** Event endpoints that need the admin: failing, disabled or with dead-lettered events. */
export const failingEventEndpoints = (db: D1Database, slug: string) => failingEndpoints(db, `/t/${slug}/events/poll`);

/** GET /admin/api/health: the SCIM connection's health and the failing event endpoints. */
export async function tenantHealth(db: D1Database, slug: string) {
  const [h, failing] = await Promise.all([health(db), failingEventEndpoints(db, slug)]);
  return { ...h, eventEndpoints: { failing } };
}

export interface Overview {
  users: { source: string; status: "active" | "suspended"; n: number }[];
  groups: number;
  tokens: { scope: string; created: string }[];
  lastScimChange: AuditRow | null;
  lastScimFailure: AuditRow | null;
  /**
   * Entra has used a credential of the tenant: an authenticated SCIM request (a Test Connection
   * writes nothing, so writes and refusals alone miss it) or an OAuth token request.
   */
  connected: boolean;
}

/** The tenant at a glance, in one D1 round trip. */
export async function overview(db: D1Database): Promise<Overview> {
  const [users, groups, tokens, last, failure, used] = await db.batch([
    countUsersStatement(db),
    countGroupsStatement(db),
    prepared(db, tokenStatusSql()),
    latestAuditStatement(db, "scim", false),
    latestAuditStatement(db, "scim", true),
    lastUseStatement(db),
  ]);
  const lastUse = used.results[0] as { lastRequest: string | null; lastTokenRequest: string | null };
  return {
    users: (users.results as { source: string; active: number; n: number }[]).map((r) => ({
      source: r.source,
      status: r.active ? "active" : "suspended",
      n: r.n,
    })),
    groups: (groups.results[0] as { n: number }).n,
    tokens: tokens.results as { scope: string; created: string }[],
    lastScimChange: (last.results[0] as AuditRow | undefined) ?? null,
    lastScimFailure: (failure.results[0] as AuditRow | undefined) ?? null,
    connected: !!(last.results[0] || failure.results[0] || lastUse.lastRequest || lastUse.lastTokenRequest),
  };
}
