import { type AuditRow, latestAuditStatement } from "../../events/audit-log";

/** The tenant's provisioning health (activity/views.ts), for the Overview page. */
export { health } from "../../activity/views";
import { countGroupsStatement } from "../../groups/repo";
import { prepared, tokenStatusSql } from "../../tenants/token-rows";
import { countUsersStatement } from "../../users/repo";

export interface Overview {
  users: { source: string; status: "active" | "suspended"; n: number }[];
  groups: number;
  tokens: { scope: string; created: string }[];
  lastScimChange: AuditRow | null;
  lastScimFailure: AuditRow | null;
}

/** The tenant at a glance, in one D1 round trip. */
export async function overview(db: D1Database): Promise<Overview> {
  const [users, groups, tokens, last, failure] = await db.batch([
    countUsersStatement(db),
    countGroupsStatement(db),
    prepared(db, tokenStatusSql()),
    latestAuditStatement(db, "scim", false),
    latestAuditStatement(db, "scim", true),
  ]);
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
  };
}
