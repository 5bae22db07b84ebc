import { type RoleConfig, type RoleRule, type TenantRole, containsCycle } from "./compute";

/** Rules a tenant may save (docs/roles.md): a mapping is read whole by every recompute. */
export const MAX_ROLE_RULES = 1000;

/** A mapping as an admin sends it, the group of a rule already resolved to an id. */
export interface MappingInput {
  roles: { id: string; label?: string | null; contains?: string[] }[];
  defaultRole?: string | null;
  rules: { precedence: number; kind: "group" | "appRole"; match: string; role: string }[];
}

/** A refusal naming the field (the admin API's `field`, the console's field message). */
export class MappingError extends Error {
  constructor(
    message: string,
    readonly field: string,
  ) {
    super(message);
  }
}

/**
 * Checks a whole mapping against the catalog and the tenant's groups; throws the first problem.
 * `knownGroup` answers for group ids the rules name (existing groups, or rules already saved for
 * a group since deleted, which may stay).
 */
export function checkMapping(
  input: MappingInput,
  catalog: ReadonlySet<string>,
  knownGroup: (id: string) => boolean,
): RoleConfig {
  if (input.rules.length > MAX_ROLE_RULES) {
    throw new MappingError(
      `A mapping has at most ${MAX_ROLE_RULES} rules; this one has ${input.rules.length}.`,
      "rules",
    );
  }
  const ids = new Set<string>();
  for (const [i, r] of input.roles.entries()) {
    if (!catalog.has(r.id))
      throw new MappingError(`Role "${r.id}" is not in the product's role catalog.`, `roles.${i}.id`);
    if (ids.has(r.id)) throw new MappingError(`Role "${r.id}" is listed twice.`, `roles.${i}.id`);
    ids.add(r.id);
  }
  for (const [i, r] of input.roles.entries()) {
    for (const c of r.contains ?? []) {
      if (!ids.has(c))
        throw new MappingError(`Role "${r.id}" contains "${c}", which the tenant does not use.`, `roles.${i}.contains`);
    }
  }
  const roles: TenantRole[] = input.roles.map((r) => ({
    id: r.id,
    label: r.label?.trim() ? r.label.trim() : null,
    contains: [...new Set(r.contains ?? [])],
    isDefault: r.id === input.defaultRole,
  }));
  const cycle = containsCycle(roles);
  if (cycle) throw new MappingError(`Roles may not contain each other in a cycle: ${cycle.join(" -> ")}.`, "roles");
  if (input.defaultRole && !ids.has(input.defaultRole)) {
    throw new MappingError(`The default role "${input.defaultRole}" is not one of the tenant's roles.`, "defaultRole");
  }
  const precedences = new Set<number>();
  const seen = new Set<string>();
  const rules: RoleRule[] = input.rules.map((r, i) => {
    if (precedences.has(r.precedence)) {
      throw new MappingError(
        `Two rules have precedence ${r.precedence}; each rule needs its own.`,
        `rules.${i}.precedence`,
      );
    }
    precedences.add(r.precedence);
    if (!ids.has(r.role))
      throw new MappingError(
        `Rule ${r.precedence} gives "${r.role}", which the tenant does not use.`,
        `rules.${i}.role`,
      );
    if (r.kind === "group" && !knownGroup(r.match)) {
      throw new MappingError(
        `Rule ${r.precedence} names group "${r.match}", which does not exist.`,
        `rules.${i}.group`,
      );
    }
    const key = JSON.stringify([r.kind, r.match, r.role]);
    if (seen.has(key)) throw new MappingError(`Rule ${r.precedence} repeats an earlier rule.`, `rules.${i}`);
    seen.add(key);
    return { precedence: r.precedence, kind: r.kind, match: r.match, roleId: r.role };
  });
  return { roles, rules, catalog };
}

/**
 * Who a mapping edit can move: everyone when the roles, the default or the app-role rules
 * changed; otherwise the members of each group whose rules changed.
 */
export function affectedBy(before: RoleConfig, after: RoleConfig): { all: true } | { all: false; groups: string[] } {
  const rolesKey = (c: RoleConfig) => JSON.stringify(c.roles);
  const appKey = (c: RoleConfig) => JSON.stringify(c.rules.filter((r) => r.kind === "appRole"));
  if (rolesKey(before) !== rolesKey(after) || appKey(before) !== appKey(after)) return { all: true };
  const byGroup = (c: RoleConfig) => {
    const m = new Map<string, string>();
    for (const r of c.rules.filter((x) => x.kind === "group"))
      m.set(r.match, `${m.get(r.match) ?? ""}|${r.precedence}:${r.roleId}`);
    return m;
  };
  const a = byGroup(before);
  const b = byGroup(after);
  const groups = [...new Set([...a.keys(), ...b.keys()])].filter((g) => a.get(g) !== b.get(g));
  // A precedence change among groups moves the primary role of users in two of them: both are listed.
  return { all: false, groups };
}
