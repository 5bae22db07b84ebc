import { index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";

/**
 * Roles (docs/roles.md): the catalog roles the tenant uses, the rules that map groups and
 * Entra's app-role values to them, and each user's effective roles as last computed.
 */

/** A catalog role (wrangler.toml ROLE_CATALOG) the tenant chose, with its own label. */
export const tenantRoles = sqliteTable("tenant_roles", {
  id: text("id").primaryKey(),
  label: text("label"),
  /** JSON array of role ids this role grants as well (the draft's `contains`). */
  contains: text("contains").notNull().default("[]"),
  /** 1 on the one role given to users no rule matches. */
  isDefault: integer("is_default").notNull().default(0),
});

/**
 * One rule a row, in precedence order (1 first): a user in group `match` (kind `group`, by id),
 * or with `match` among their `roles` values (kind `appRole`), gets `role_id`. The first rule
 * that matches names the user's primary role.
 */
export const roleRules = sqliteTable(
  "role_rules",
  {
    precedence: integer("precedence").primaryKey(),
    kind: text("kind", { enum: ["group", "appRole"] }).notNull(),
    match: text("match").notNull(),
    roleId: text("role_id").notNull(),
  },
  (t) => [index("role_rules_match").on(t.kind, t.match)],
);

/** Each user's effective roles: `roles` is the canonical JSON compared for a change; `reasons` why. */
export const userRoles = sqliteTable("user_roles", {
  userId: text("user_id").primaryKey(),
  roles: text("roles").notNull(),
  reasons: text("reasons").notNull(),
  computed: text("computed").notNull(),
});

/**
 * Users whose roles may have moved, written by triggers in the same transaction as the change
 * (drizzle/0010_roles.sql). `mark` is a fresh random number (below 2^53, exact in JavaScript) on every change, so a recompute
 * writes only if nothing changed since it read (src/roles/recompute.ts).
 */
export const roleDirty = sqliteTable("role_dirty", {
  userId: text("user_id").primaryKey(),
  mark: integer("mark").notNull(),
});

/** A mapping edit's background recompute, for the console's progress. */
export const roleJobs = sqliteTable("role_jobs", {
  id: text("id").primaryKey(),
  started: text("started").notNull(),
  total: integer("total").notNull(),
});
