/**
 * The closed lists stored in text columns, written once: the schema's column enums (db/schema/),
 * the admin API's zod enums and the console's options are all derived from these.
 */

/** Where a user came from (P11, P24, P25): `scim` is Entra's provisioning; the rest are imports. */
export const USER_SOURCES = ["scim", "local", "ldap", "entra-user-source"] as const;
export type UserSource = (typeof USER_SOURCES)[number];

/** Where a group came from; `builtin` groups ship with the tenant. */
export const GROUP_SOURCES = ["scim", "local", "ldap", "builtin"] as const;
export type GroupSource = (typeof GROUP_SOURCES)[number];
