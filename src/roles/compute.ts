/**
 * A user's effective roles (docs/roles.md), pure: from the tenant's roles and rules, the user's
 * direct groups (P14: no nesting) and the values of their `roles` attribute (Entra's app roles).
 *
 * - A suspended user (P8, P9, P16) holds no role.
 * - Every rule that matches grants its role; the first matching rule (lowest precedence) names
 *   the primary role.
 * - A user no rule matches gets the default role, if the tenant has one.
 * - A role grants the roles it contains (transitively); contained roles are never primary.
 * - A role that is not in the vendor's catalog, or not chosen by the tenant, grants nothing.
 */

export interface TenantRole {
  id: string;
  label: string | null;
  contains: string[];
  isDefault: boolean;
}

export interface RoleRule {
  precedence: number;
  kind: "group" | "appRole";
  match: string;
  roleId: string;
}

export interface RoleConfig {
  roles: TenantRole[];
  rules: RoleRule[];
  /** The vendor catalog's role ids. */
  catalog: ReadonlySet<string>;
}

export interface RoleSubject {
  active: boolean;
  /** Ids of the groups the user is a direct member of (only those a rule names need be given). */
  groups: ReadonlySet<string>;
  /** The `value` of each element of the user's `roles` attribute. */
  appRoles: ReadonlySet<string>;
}

/** Why a user holds a role: a rule (by precedence, kind and match), the default, or a containing role. */
export type RoleReason =
  | { kind: "group"; group: string; precedence: number }
  | { kind: "appRole"; value: string; precedence: number }
  | { kind: "default" }
  | { kind: "contained"; by: string };

export interface EffectiveRole {
  value: string;
  primary: boolean;
  reasons: RoleReason[];
}

export function effectiveRoles(subject: RoleSubject, config: RoleConfig): EffectiveRole[] {
  if (!subject.active) return [];
  const usable = new Map(config.roles.filter((r) => config.catalog.has(r.id)).map((r) => [r.id, r]));
  const granted = new Map<string, EffectiveRole>();
  const grant = (value: string, reason: RoleReason, primary: boolean) => {
    const held = granted.get(value) ?? { value, primary: false, reasons: [] };
    held.primary ||= primary;
    held.reasons.push(reason);
    granted.set(value, held);
  };
  let primaryGiven = false;
  for (const rule of [...config.rules].sort((a, b) => a.precedence - b.precedence)) {
    if (!usable.has(rule.roleId)) continue;
    const matches = rule.kind === "group" ? subject.groups.has(rule.match) : subject.appRoles.has(rule.match);
    if (!matches) continue;
    const reason: RoleReason =
      rule.kind === "group"
        ? { kind: "group", group: rule.match, precedence: rule.precedence }
        : { kind: "appRole", value: rule.match, precedence: rule.precedence };
    grant(rule.roleId, reason, !primaryGiven);
    primaryGiven = true;
  }
  if (granted.size === 0) {
    const fallback = [...usable.values()].find((r) => r.isDefault);
    if (fallback) grant(fallback.id, { kind: "default" }, true);
  }
  // Contained roles, breadth first; the saved mapping has no cycle (validateRoles), the guard is for a catalog edit.
  const queue = [...granted.keys()];
  while (queue.length) {
    const by = queue.shift() as string;
    for (const child of usable.get(by)?.contains ?? []) {
      if (!usable.has(child)) continue;
      const known = granted.has(child);
      if (!granted.get(child)?.reasons.some((r) => r.kind === "contained" && r.by === by)) {
        grant(child, { kind: "contained", by }, false);
      }
      if (!known) queue.push(child);
    }
  }
  return [...granted.values()].sort((a, b) => (a.value < b.value ? -1 : a.value > b.value ? 1 : 0));
}

/** The part of the roles a change is judged by (the event, the stored `roles` column): values and primary. */
export const rolesKey = (roles: Pick<EffectiveRole, "value" | "primary">[]): string =>
  JSON.stringify(roles.map((r) => ({ value: r.value, primary: r.primary })));

/** The first cycle among `contains` edges, as a path of ids (`a -> b -> a`), or null. */
export function containsCycle(roles: Pick<TenantRole, "id" | "contains">[]): string[] | null {
  const edges = new Map(roles.map((r) => [r.id, r.contains]));
  const state = new Map<string, "open" | "done">();
  const path: string[] = [];
  const walk = (id: string): string[] | null => {
    state.set(id, "open");
    path.push(id);
    for (const next of edges.get(id) ?? []) {
      if (state.get(next) === "open") return [...path.slice(path.indexOf(next)), next];
      if (!state.has(next)) {
        const found = walk(next);
        if (found) return found;
      }
    }
    path.pop();
    state.set(id, "done");
    return null;
  };
  for (const id of edges.keys()) {
    if (state.has(id)) continue;
    const found = walk(id);
    if (found) return found;
  }
  return null;
}
