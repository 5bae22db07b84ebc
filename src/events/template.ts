import { primaryEmail } from "../users/managed-apple-id";
import type { UserRow } from "../users/row";
import { CUSTOM_SCHEMA } from "../scim/schema/custom";
import { ENTERPRISE_SCHEMA } from "../scim/schema/user";

/** P19: `${name}` variables in invitation templates. */
const VARIABLE = /\$\{([A-Za-z0-9_.-]+)\}/g;

/** Variables every template may use, besides the tenant's custom attributes (P18). */
export const BUILT_IN_VARIABLES = [
  "userName",
  "displayName",
  "givenName",
  "familyName",
  "formattedName",
  "email",
  "managedAppleId",
  "externalId",
  "title",
  "department",
  "employeeNumber",
] as const;

/** Names used in a template that are neither built in nor defined custom attributes. */
export function unknownVariables(template: string, customAttributes: string[]): string[] {
  const known = new Set([...BUILT_IN_VARIABLES, ...customAttributes].map((v) => v.toLowerCase()));
  return [...new Set([...template.matchAll(VARIABLE)].map((m) => m[1]))].filter((v) => !known.has(v.toLowerCase()));
}

export function variablesOf(row: UserRow): Record<string, string> {
  const doc = JSON.parse(row.doc) as Record<string, any>;
  const ent = (doc[ENTERPRISE_SCHEMA] ?? {}) as Record<string, unknown>;
  const custom = (doc[CUSTOM_SCHEMA] ?? {}) as Record<string, unknown>;
  const vars: Record<string, unknown> = {
    userName: doc.userName,
    displayName: doc.displayName ?? doc.name?.formatted ?? doc.userName,
    givenName: doc.name?.givenName,
    familyName: doc.name?.familyName,
    formattedName: doc.name?.formatted,
    email: primaryEmail(doc),
    managedAppleId: row.managed_apple_id,
    externalId: doc.externalId,
    title: doc.title,
    department: ent.department,
    employeeNumber: ent.employeeNumber,
    ...custom,
  };
  return Object.fromEntries(Object.entries(vars).map(([k, v]) => [k.toLowerCase(), typeof v === "string" ? v : v == null ? "" : String(v)]));
}

/** Substitutes variables case-insensitively; a variable without a value becomes empty. */
export const renderTemplate = (template: string, vars: Record<string, string>) =>
  template.replace(VARIABLE, (_, name: string) => vars[name.toLowerCase()] ?? "");
