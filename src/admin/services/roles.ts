import { z } from "zod";
import { commit } from "../../events/commit";
import { audit } from "../../events/types";
import type { CatalogRole } from "../../roles/catalog";
import { type RoleConfig, type RoleReason, effectiveRoles } from "../../roles/compute";
import { MappingError, affectedBy, checkMapping } from "../../roles/mapping";
import { appRoleValues } from "../../roles/recompute";
import {
  groupNamesStatement,
  groupsByIdOrNameStatement,
  previewUsersStatement,
  readRoleConfig,
  recomputeProgressStatement,
  roleHoldersStatement,
  saveMappingStatements,
  userRolesStatement,
  usersRolesStatement,
} from "../../roles/repo";
import type { TenantContext } from "../../tenants/context";
import { adminError } from "../errors";

const text = (max: number) => z.string().trim().min(1).max(max);

/** PUT /admin/api/roles and the console's form: the whole mapping (docs/roles.md). */
export const mappingBody = z
  .object({
    roles: z
      .array(
        z
          .object({
            id: text(64),
            label: z.string().max(100).nullable().optional(),
            contains: z.array(text(64)).max(50).optional(),
          })
          .strict(),
      )
      .max(200),
    defaultRole: text(64).nullable().optional(),
    rules: z.array(
      z
        .object({
          precedence: z.number().int().min(1).max(1_000_000),
          group: text(256).optional(),
          appRole: text(256).optional(),
          role: text(64),
        })
        .strict()
        .refine((r) => (r.group === undefined) !== (r.appRole === undefined), "give either group or appRole"),
    ),
  })
  .strict();
export type MappingBody = z.infer<typeof mappingBody>;

export interface RolesView {
  catalog: (CatalogRole & { used: boolean; label: string | null; contains: string[]; holders: number })[];
  defaultRole: string | null;
  rules: {
    precedence: number;
    kind: "group" | "appRole";
    match: string;
    role: string;
    /** For a group rule: the group's name now, or null when the group was deleted. */
    groupName?: string | null;
  }[];
  /** Roles the tenant uses that the catalog no longer has: kept, granted to nobody. */
  notInCatalog: string[];
  recompute: { pending: number; total: number | null; started: string | null };
}

export async function rolesView(t: TenantContext, catalog: CatalogRole[]): Promise<RolesView> {
  const config = await readRoleConfig(
    t.db,
    catalog.map((r) => r.id),
  );
  const groupIds = config.rules.filter((r) => r.kind === "group").map((r) => r.match);
  const [names, holders, progress] = await t.db.batch([
    groupNamesStatement(t.db, groupIds),
    roleHoldersStatement(t.db),
    recomputeProgressStatement(t.db),
  ]);
  const nameOf = new Map((names.results as { id: string; display_name: string }[]).map((g) => [g.id, g.display_name]));
  const held = new Map((holders.results as { role: string; n: number }[]).map((h) => [h.role, h.n]));
  const used = new Map(config.roles.map((r) => [r.id, r]));
  const p = progress.results[0] as { pending: number; total: number | null; started: string | null };
  return {
    catalog: catalog.map((c) => ({
      ...c,
      used: used.has(c.id),
      label: used.get(c.id)?.label ?? null,
      contains: used.get(c.id)?.contains ?? [],
      holders: held.get(c.id) ?? 0,
    })),
    defaultRole: config.roles.find((r) => r.isDefault)?.id ?? null,
    rules: config.rules.map((r) => ({
      precedence: r.precedence,
      kind: r.kind,
      match: r.match,
      role: r.roleId,
      ...(r.kind === "group" ? { groupName: nameOf.get(r.match) ?? null } : {}),
    })),
    notInCatalog: config.roles.filter((r) => !config.catalog.has(r.id)).map((r) => r.id),
    recompute: { pending: p.pending, total: p.total, started: p.started },
  };
}

/** The body checked against the catalog and the tenant's groups, group names resolved to ids. */
async function configOf(t: TenantContext, catalog: CatalogRole[], body: MappingBody) {
  const ids = catalog.map((r) => r.id);
  const before = await readRoleConfig(t.db, ids);
  const keys = [...new Set(body.rules.flatMap((r) => (r.group ? [r.group] : [])))];
  const found = keys.length
    ? ((await groupsByIdOrNameStatement(t.db, keys).all<{ k: string; id: string }>()).results ?? [])
    : [];
  const idOf = new Map<string, string>();
  for (const f of found) if (!idOf.has(f.k) || f.k === f.id) idOf.set(f.k, f.id);
  const saved = new Set(before.rules.filter((r) => r.kind === "group").map((r) => r.match));
  const known = new Set([...idOf.values(), ...saved]);
  try {
    const after = checkMapping(
      {
        roles: body.roles,
        defaultRole: body.defaultRole ?? null,
        rules: body.rules.map((r) =>
          r.group !== undefined
            ? { precedence: r.precedence, kind: "group" as const, match: idOf.get(r.group) ?? r.group, role: r.role }
            : { precedence: r.precedence, kind: "appRole" as const, match: r.appRole as string, role: r.role },
        ),
      },
      new Set(ids),
      (id) => known.has(id),
    );
    return { before, after };
  } catch (e) {
    if (e instanceof MappingError) throw adminError(400, e.message, e.field);
    throw e;
  }
}

/** Saves the whole mapping and starts the background recompute of the users it can move. */
export async function saveRoles(t: TenantContext, catalog: CatalogRole[], body: MappingBody): Promise<RolesView> {
  const { before, after } = await configOf(t, catalog, body);
  const now = new Date().toISOString();
  const event = audit("admin", "roles", "Tenant", null, {
    roles: after.roles.map((r) => r.id),
    defaultRole: after.roles.find((r) => r.isDefault)?.id ?? null,
    rules: after.rules.length,
  });
  await commit(t, saveMappingStatements(t.db, after, affectedBy(before, after), crypto.randomUUID(), now), [event]);
  return rolesView(t, catalog);
}

/** Users a preview reads per round trip. */
const PREVIEW_PAGE = 5000;

export interface RolesPreview {
  users: number;
  roles: { id: string; gain: number; lose: number; holders: number }[];
}

/**
 * What saving would change, before it is saved: each user's roles under the saved mapping and
 * under the proposed one, counted per role (gained, lost, held afterwards).
 */
export async function previewRoles(t: TenantContext, catalog: CatalogRole[], body: MappingBody): Promise<RolesPreview> {
  const { before, after } = await configOf(t, catalog, body);
  const groups = [...new Set([...before.rules, ...after.rules].filter((r) => r.kind === "group").map((r) => r.match))];
  const counts = new Map<string, { gain: number; lose: number; holders: number }>();
  const count = (id: string) => counts.get(id) ?? counts.set(id, { gain: 0, lose: 0, holders: 0 }).get(id)!;
  let users = 0;
  let last = "";
  for (;;) {
    const { results } = await previewUsersStatement(t.db, groups, last, PREVIEW_PAGE).all<{
      id: string;
      active: number;
      app_roles: string | null;
      groups: string;
    }>();
    for (const u of results) {
      const subject = {
        active: u.active === 1,
        groups: new Set(JSON.parse(u.groups) as string[]),
        appRoles: new Set(appRoleValues(u.app_roles)),
      };
      const was = new Set(effectiveRoles(subject, before).map((r) => r.value));
      const will = new Set(effectiveRoles(subject, after).map((r) => r.value));
      for (const r of will) {
        count(r).holders++;
        if (!was.has(r)) count(r).gain++;
      }
      for (const r of was) if (!will.has(r)) count(r).lose++;
    }
    users += results.length;
    if (results.length < PREVIEW_PAGE) break;
    last = results[results.length - 1].id;
  }
  const ids = [...new Set([...after.roles.map((r) => r.id), ...counts.keys()])];
  return { users, roles: ids.map((id) => ({ id, ...(counts.get(id) ?? { gain: 0, lose: 0, holders: 0 }) })) };
}

export interface UserRoleView {
  value: string;
  display: string;
  primary: boolean;
  /** Why, in words an admin reads: "group Kiosk Staff (rule 2)", "app role Admin (rule 1)", "default role". */
  why: string[];
}

/** Effective roles of some users, with why, as last computed (the console's users list and profile). */
export async function rolesOfUsers(
  t: TenantContext,
  catalog: CatalogRole[],
  userIds: string[],
): Promise<Map<string, UserRoleView[]>> {
  if (userIds.length === 0) return new Map();
  const { results } = await usersRolesStatement(t.db, userIds).all<{
    user_id: string;
    roles: string;
    reasons: string;
  }>();
  const parsed = results.map((r) => ({
    id: r.user_id,
    roles: JSON.parse(r.roles) as { value: string; primary: boolean }[],
    reasons: JSON.parse(r.reasons) as { value: string; reasons: RoleReason[] }[],
  }));
  const groupIds = parsed.flatMap((p) =>
    p.reasons.flatMap((r) => r.reasons.flatMap((x) => (x.kind === "group" ? [x.group] : []))),
  );
  const names = groupIds.length
    ? (await groupNamesStatement(t.db, [...new Set(groupIds)]).all<{ id: string; display_name: string }>()).results
    : [];
  const config = await readRoleConfig(
    t.db,
    catalog.map((c) => c.id),
  );
  return new Map(
    parsed.map((p) => [
      p.id,
      viewOf(p.roles, p.reasons, config, catalog, new Map(names.map((n) => [n.id, n.display_name]))),
    ]),
  );
}

export async function rolesOfUser(t: TenantContext, catalog: CatalogRole[], userId: string) {
  const row = await userRolesStatement(t.db, userId).first<{ computed: string }>();
  return { roles: (await rolesOfUsers(t, catalog, [userId])).get(userId) ?? [], computed: row?.computed ?? null };
}

function viewOf(
  roles: { value: string; primary: boolean }[],
  reasons: { value: string; reasons: RoleReason[] }[],
  config: RoleConfig,
  catalog: CatalogRole[],
  groupName: Map<string, string>,
): UserRoleView[] {
  const label = (id: string) =>
    config.roles.find((r) => r.id === id)?.label ?? catalog.find((c) => c.id === id)?.name ?? id;
  const why = (r: RoleReason) => {
    switch (r.kind) {
      case "group":
        return `group ${groupName.get(r.group) ?? "(deleted)"} (rule ${r.precedence})`;
      case "appRole":
        return `app role ${r.value} (rule ${r.precedence})`;
      case "default":
        return "default role";
      case "contained":
        return `the role ${label(r.by)}, which contains it`;
    }
  };
  return roles.map((r) => ({
    value: r.value,
    display: label(r.value),
    primary: r.primary,
    why: (reasons.find((x) => x.value === r.value)?.reasons ?? []).map(why),
  }));
}
