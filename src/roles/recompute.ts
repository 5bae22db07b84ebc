import { audit } from "../events/types";
import { type EffectiveRole, type RoleConfig, effectiveRoles, rolesKey } from "./compute";
import { type DirtyUserRow, type RoleWrite, dirtyUsersStatement, readRoleConfig, roleWriteStatements } from "./repo";

/** Users recomputed per round: two D1 round trips and three statements whatever the count. */
export const RECOMPUTE_BATCH = 500;

export interface RecomputeRound {
  /** Users read this round. */
  read: number;
  /** Ids of the events written (user.roles_changed), for the Queue. */
  eventIds: string[];
  /** True when the round was full: more users may be waiting. */
  more: boolean;
}

/**
 * One bounded round of the background recompute: reads up to `limit` users marked dirty, computes
 * their effective roles, writes those that changed with one `roles` audit event each (the
 * `user.roles_changed` event), and clears the marks, all only for users unchanged since the read.
 */
export async function recomputeRound(
  db: D1Database,
  catalog: Iterable<string>,
  limit = RECOMPUTE_BATCH,
  config?: RoleConfig,
): Promise<RecomputeRound> {
  // The marks first: a tenant with nothing waiting (most consumer batches) costs one small read.
  const { results } = await dirtyUsersStatement(db, limit).all<DirtyUserRow>();
  if (results.length === 0) return { read: 0, eventIds: [], more: false };
  const cfg = config ?? (await readRoleConfig(db, catalog));
  const now = new Date().toISOString();
  const writes: RoleWrite[] = [];
  const events: { u: string; m: number; id: string; kind: string; payload: string; created: string }[] = [];
  for (const row of results) {
    if (row.active === null) continue; // deleted: its mark is cleared below
    const roles = effectiveRoles(subjectOf(row), cfg);
    const key = rolesKey(roles);
    const reasons = JSON.stringify(roles.map((r) => ({ value: r.value, reasons: r.reasons })));
    const before = JSON.parse(row.stored_roles ?? "[]") as Pick<EffectiveRole, "value" | "primary">[];
    if (key === (row.stored_roles ?? "[]") && reasons === (row.stored_reasons ?? "[]")) continue;
    writes.push({ u: row.user_id, m: row.mark, roles: key, reasons });
    if (key === (row.stored_roles ?? "[]")) continue; // only the reasons moved: no event
    const event = audit("system", "roles", "User", row.user_id, {
      userName: row.user_name,
      ...(row.external_id ? { externalId: row.external_id } : {}),
      before: before.map((r) => ({ value: r.value, primary: r.primary })),
      after: roles.map((r) => ({ value: r.value, primary: r.primary })),
    });
    events.push({
      u: row.user_id,
      m: row.mark,
      id: event.id,
      kind: event.kind,
      payload: JSON.stringify(event),
      created: event.at,
    });
  }
  await db.batch(
    roleWriteStatements(
      db,
      writes,
      events,
      results.map((r) => ({ u: r.user_id, m: r.mark })),
      now,
    ),
  );
  return { read: results.length, eventIds: events.map((e) => e.id), more: results.length === limit };
}

function subjectOf(row: DirtyUserRow) {
  return {
    active: row.active === 1,
    groups: new Set(JSON.parse(row.groups) as string[]),
    appRoles: new Set(appRoleValues(row.app_roles)),
  };
}

/** The `value` of each element of a stored `roles` attribute (Entra's app role assignments). */
export function appRoleValues(json: string | null): string[] {
  if (!json) return [];
  let v: unknown;
  try {
    v = JSON.parse(json);
  } catch {
    return [];
  }
  if (!Array.isArray(v)) return [];
  return v.flatMap((e) =>
    e && typeof e === "object" && typeof (e as { value?: unknown }).value === "string"
      ? [(e as { value: string }).value]
      : [],
  );
}
