import { primaryEmail } from "../users/managed-apple-id";
import type { UserRow } from "../users/row";
import type { ScimDoc } from "../scim/normalize";
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
  const doc = JSON.parse(row.doc) as ScimDoc;
  const name = (doc.name ?? {}) as Record<string, unknown>;
  const ent = (doc[ENTERPRISE_SCHEMA] ?? {}) as Record<string, unknown>;
  const custom = (doc[CUSTOM_SCHEMA] ?? {}) as Record<string, unknown>;
  const vars: Record<string, unknown> = {
    userName: doc.userName,
    displayName: doc.displayName ?? name.formatted ?? doc.userName,
    givenName: name.givenName,
    familyName: name.familyName,
    formattedName: name.formatted,
    email: primaryEmail(doc),
    managedAppleId: row.managed_apple_id,
    externalId: doc.externalId,
    title: doc.title,
    department: ent.department,
    employeeNumber: ent.employeeNumber,
    ...custom,
  };
  return Object.fromEntries(
    Object.entries(vars).map(([k, v]) => [k.toLowerCase(), typeof v === "string" ? v : v == null ? "" : String(v)]),
  );
}

/** A `${` that does not open a well-formed `${name}`: unclosed, empty, or nested (`${${x}}`). */
const BAD_OPENING = /\$\{(?![A-Za-z0-9_.-]+\})/;
/** Control characters, CR and LF included, and the Unicode line and paragraph separators. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u001f\u007f\u2028\u2029]/g;
/** What a body may hold besides text: line breaks and tabs. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL_EXCEPT_LAYOUT = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;

/**
 * Why a template cannot be stored, or undefined. `${` only ever opens a variable (there is no
 * escape for a literal `${`), and a subject is one line: a CR or LF in it would start a new mail
 * header (`"Hi\r\nBcc: victim@example.com"`).
 */
export function templateSyntaxError(template: string, kind: "subject" | "body"): string | undefined {
  const bad = BAD_OPENING.exec(template);
  if (bad) return `"\${" at character ${bad.index + 1} does not open a variable \${name} (unclosed, empty or nested)`;
  if (kind === "subject" && new RegExp(CONTROL.source).test(template))
    return "a subject is one line: no CR, LF or other control characters";
  if (kind === "body" && CONTROL_EXCEPT_LAYOUT.test(template))
    return "control characters other than line breaks and tabs are not allowed";
  return undefined;
}

/**
 * Substitutes variables case-insensitively; a variable without a value becomes empty. Mails are
 * sent as text/plain only (delivery/mailer.ts), so a value needs no HTML escaping: `<script>` is
 * shown as those characters. What a value must not do in plain text is change the layout or the
 * headers: its control characters (CR/LF included) become spaces. Own keys only: a custom
 * attribute may be named `constructor` (P18), which Object.prototype also has.
 */
export const renderTemplate = (template: string, vars: Record<string, string>) =>
  template.replace(VARIABLE, (_, name: string) =>
    (Object.hasOwn(vars, name.toLowerCase()) ? vars[name.toLowerCase()] : "").replace(CONTROL, " "),
  );

/** A subject is one header line, also for a template stored before line breaks were refused. */
export const renderSubject = (template: string, vars: Record<string, string>) =>
  renderTemplate(template, vars).replace(CONTROL, " ");
