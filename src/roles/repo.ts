import type { RoleConfig, RoleRule, TenantRole } from "./compute";

interface TenantRoleRow {
  id: string;
  label: string | null;
  contains: string;
  is_default: number;
}
interface RoleRuleRow {
  precedence: number;
  kind: "group" | "appRole";
  match: string;
  role_id: string;
}

/** The tenant's roles and rules: two small reads, for one batch. */
export const roleConfigStatements = (db: D1Database) => [
  db.prepare("SELECT id, label, contains, is_default FROM tenant_roles ORDER BY id"),
  db.prepare("SELECT precedence, kind, match, role_id FROM role_rules ORDER BY precedence"),
];

export function roleConfigOf([roles, rules]: D1Result[], catalog: Iterable<string>): RoleConfig {
  return {
    roles: (roles.results as unknown as TenantRoleRow[]).map((r): TenantRole => ({
      id: r.id,
      label: r.label,
      contains: JSON.parse(r.contains) as string[],
      isDefault: r.is_default === 1,
    })),
    rules: (rules.results as unknown as RoleRuleRow[]).map((r): RoleRule => ({
      precedence: r.precedence,
      kind: r.kind,
      match: r.match,
      roleId: r.role_id,
    })),
    catalog: new Set(catalog),
  };
}

export async function readRoleConfig(db: D1Database, catalog: Iterable<string>): Promise<RoleConfig> {
  return roleConfigOf(await db.batch(roleConfigStatements(db)), catalog);
}

/** One dirty user as the recompute reads it: the mark, what the computation needs, what is stored. */
export interface DirtyUserRow {
  user_id: string;
  mark: number;
  /** null: the user is gone. */
  active: number | null;
  user_name: string | null;
  external_id: string | null;
  /** JSON of the `roles` attribute as stored. */
  app_roles: string | null;
  /** JSON array of the ids of the user's groups that a rule names. */
  groups: string;
  stored_roles: string | null;
  stored_reasons: string | null;
}

/**
 * Up to `limit` dirty users with everything their recompute needs, in ONE statement (so the mark
 * and the state it stands for are read together).
 */
export const dirtyUsersStatement = (db: D1Database, limit: number) =>
  db
    .prepare(
      `SELECT d.user_id, d.mark, u.active, u.user_name, u.external_id, json_extract(u.doc, '$.roles') AS app_roles,
         (SELECT json_group_array(m.group_id) FROM group_members m
          WHERE m.member_id = d.user_id AND m.group_id IN (SELECT match FROM role_rules WHERE kind = 'group')) AS groups,
         r.roles AS stored_roles, r.reasons AS stored_reasons
       FROM (SELECT user_id, mark FROM role_dirty LIMIT ?1) d
       LEFT JOIN users u ON u.id = d.user_id LEFT JOIN user_roles r ON r.user_id = d.user_id`,
    )
    .bind(limit);

export interface RoleWrite {
  u: string;
  m: number;
  roles: string;
  reasons: string;
}

/**
 * The recompute's writes, each applying only where the user's mark is still the one read (no
 * change since): the new roles, then their events, then the marks cleared. A change that came in
 * meanwhile left a new mark, so that user is written by the next round, from the newer state.
 */
export function roleWriteStatements(
  db: D1Database,
  writes: RoleWrite[],
  events: { u: string; m: number; id: string; kind: string; payload: string; created: string }[],
  read: { u: string; m: number }[],
  now: string,
): D1PreparedStatement[] {
  const stillMarked = (alias: string) =>
    `EXISTS (SELECT 1 FROM role_dirty d WHERE d.user_id = json_extract(${alias}.value, '$.u') AND d.mark = json_extract(${alias}.value, '$.m'))`;
  return [
    db
      .prepare(
        `INSERT INTO user_roles (user_id, roles, reasons, computed)
         SELECT json_extract(j.value, '$.u'), json_extract(j.value, '$.roles'), json_extract(j.value, '$.reasons'), ?2
         FROM json_each(?1) j WHERE ${stillMarked("j")}
         ON CONFLICT (user_id) DO UPDATE SET roles = excluded.roles, reasons = excluded.reasons, computed = excluded.computed`,
      )
      .bind(JSON.stringify(writes), now),
    db
      .prepare(
        `INSERT INTO outbox (id, kind, payload, created)
         SELECT json_extract(e.value, '$.id'), json_extract(e.value, '$.kind'), json_extract(e.value, '$.payload'), json_extract(e.value, '$.created')
         FROM json_each(?1) e WHERE ${stillMarked("e")}`,
      )
      .bind(JSON.stringify(events)),
    // Users gone (an admin's hard delete) leave no stored roles behind.
    db
      .prepare(
        `DELETE FROM user_roles WHERE user_id IN (SELECT json_extract(value, '$.u') FROM json_each(?1))
         AND NOT EXISTS (SELECT 1 FROM users u WHERE u.id = user_roles.user_id)`,
      )
      .bind(JSON.stringify(read)),
    db
      .prepare(
        `DELETE FROM role_dirty WHERE rowid IN (SELECT d.rowid FROM json_each(?1) j JOIN role_dirty d
           ON d.user_id = json_extract(j.value, '$.u') AND d.mark = json_extract(j.value, '$.m'))`,
      )
      .bind(JSON.stringify(read)),
  ];
}

/** Users still waiting for a recompute, and the last mapping edit's job. */
export const recomputeProgressStatement = (db: D1Database) =>
  db.prepare(
    "SELECT (SELECT count(*) FROM role_dirty) AS pending, (SELECT total FROM role_jobs ORDER BY started DESC LIMIT 1) AS total, (SELECT started FROM role_jobs ORDER BY started DESC LIMIT 1) AS started",
  );

const MARK = "abs(random() % 9007199254740992)";

/**
 * A mapping saved whole, in one batch with its audit event (nothing half-saved): the roles and
 * rules replaced, the users it can move marked for the background recompute, and the job noted.
 */
export function saveMappingStatements(
  db: D1Database,
  config: RoleConfig,
  affected: { all: true } | { all: false; groups: string[] },
  jobId: string,
  now: string,
): D1PreparedStatement[] {
  const roles = config.roles.map((r) => ({
    id: r.id,
    label: r.label,
    contains: JSON.stringify(r.contains),
    d: r.isDefault ? 1 : 0,
  }));
  const rules = config.rules.map((r) => ({ p: r.precedence, k: r.kind, m: r.match, r: r.roleId }));
  const mark = affected.all
    ? db.prepare(
        `INSERT INTO role_dirty (user_id, mark) SELECT id, ${MARK} FROM users WHERE true ON CONFLICT (user_id) DO UPDATE SET mark = excluded.mark`,
      )
    : db
        .prepare(
          `INSERT INTO role_dirty (user_id, mark) SELECT DISTINCT member_id, ${MARK} FROM group_members
           WHERE group_id IN (SELECT value FROM json_each(?1)) ON CONFLICT (user_id) DO UPDATE SET mark = excluded.mark`,
        )
        .bind(JSON.stringify(affected.groups));
  return [
    db.prepare("DELETE FROM tenant_roles"),
    db
      .prepare(
        `INSERT INTO tenant_roles (id, label, contains, is_default)
         SELECT json_extract(value, '$.id'), json_extract(value, '$.label'), json_extract(value, '$.contains'), json_extract(value, '$.d') FROM json_each(?1)`,
      )
      .bind(JSON.stringify(roles)),
    db.prepare("DELETE FROM role_rules"),
    db
      .prepare(
        `INSERT INTO role_rules (precedence, kind, match, role_id)
         SELECT json_extract(value, '$.p'), json_extract(value, '$.k'), json_extract(value, '$.m'), json_extract(value, '$.r') FROM json_each(?1)`,
      )
      .bind(JSON.stringify(rules)),
    mark,
    db.prepare("DELETE FROM role_jobs"),
    db
      .prepare("INSERT INTO role_jobs (id, started, total) VALUES (?1, ?2, (SELECT count(*) FROM role_dirty))")
      .bind(jobId, now),
  ];
}

/** Which of `ids` are groups of the tenant, by id, or by displayName (P15: names are unique). */
export const groupsByIdOrNameStatement = (db: D1Database, keys: string[]) =>
  db
    .prepare(
      `SELECT j.value AS k, g.id, g.display_name FROM json_each(?1) j
       JOIN groups g ON g.id = j.value OR g.display_name = j.value COLLATE NOCASE`,
    )
    .bind(JSON.stringify(keys));

/** Names of the groups rules name (a deleted group has none). */
export const groupNamesStatement = (db: D1Database, ids: string[]) =>
  db
    .prepare("SELECT id, display_name FROM groups WHERE id IN (SELECT value FROM json_each(?1))")
    .bind(JSON.stringify(ids));

/** A page of users for the preview: id, status, app-role values, and their groups among `groups`. */
export const previewUsersStatement = (db: D1Database, groups: string[], after: string, limit: number) =>
  db
    .prepare(
      `SELECT u.id, u.active, json_extract(u.doc, '$.roles') AS app_roles,
         (SELECT json_group_array(m.group_id) FROM group_members m
          WHERE m.member_id = u.id AND m.group_id IN (SELECT value FROM json_each(?1))) AS groups
       FROM users u WHERE u.id > ?2 ORDER BY u.id LIMIT ?3`,
    )
    .bind(JSON.stringify(groups), after, limit);

/** One user's stored effective roles and why. */
export const userRolesStatement = (db: D1Database, userId: string) =>
  db.prepare("SELECT roles, reasons, computed FROM user_roles WHERE user_id = ?1").bind(userId);

/** Stored effective roles of several users (a console page of them). */
export const usersRolesStatement = (db: D1Database, userIds: string[]) =>
  db
    .prepare("SELECT user_id, roles, reasons FROM user_roles WHERE user_id IN (SELECT value FROM json_each(?1))")
    .bind(JSON.stringify(userIds));

/** Holders of each role, from the stored effective roles. */
export const roleHoldersStatement = (db: D1Database) =>
  db.prepare(
    "SELECT json_extract(j.value, '$.value') AS role, count(*) AS n FROM user_roles r, json_each(r.roles) j GROUP BY 1",
  );
