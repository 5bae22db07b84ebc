import { COMMON_ATTRIBUTES } from "./schema/common";
import { CUSTOM_SCHEMA } from "./schema/custom";
import { GROUP_SCHEMA } from "./schema/group";
import type { AttrDef, SchemaDef } from "./schema/types";
import { ENTERPRISE_SCHEMA, USER_SCHEMA } from "./schema/user";

/**
 * What to do with Entra's default attribute mapping for one tenant, derived from the schemas the
 * tenant's `/Schemas` declares: a default target that is declared and writable is kept, one that
 * is not is removed, and the tenant's own custom attributes are added. Only Entra's default list
 * is kept by hand, because it is Microsoft's, not ours.
 */

export interface DefaultMapping {
  /** The Microsoft Entra ID source attribute, as the attribute mapping page names it. */
  source: string;
  /** The SCIM target attribute path. */
  target: string;
}

/**
 * Entra's default mappings for a non-gallery SCIM app, from Microsoft Learn, "Tutorial: Develop
 * and plan provisioning for a SCIM endpoint in Microsoft Entra ID"
 * (learn.microsoft.com/entra/identity/app-provisioning/use-scim-to-provision-users-and-groups),
 * Table 1 "Default user attribute mapping" and Table 2 "Default group attribute mapping".
 */
export const ENTRA_DEFAULT_USER_MAPPING: readonly DefaultMapping[] = [
  { source: "userPrincipalName", target: "userName" },
  { source: "IsSoftDeleted", target: "active" },
  { source: "displayName", target: "displayName" },
  { source: "givenName", target: "name.givenName" },
  { source: "surname", target: "name.familyName" },
  { source: "mail", target: 'emails[type eq "work"].value' },
  { source: "proxyAddresses", target: 'emails[type eq "other"].value' },
  { source: "mailNickname", target: "externalId" },
  { source: "jobTitle", target: "title" },
  { source: "telephoneNumber", target: 'phoneNumbers[type eq "work"].value' },
  { source: "mobile", target: 'phoneNumbers[type eq "mobile"].value' },
  { source: "facsimileTelephoneNumber", target: 'phoneNumbers[type eq "fax"].value' },
  { source: "streetAddress", target: 'addresses[type eq "work"].streetAddress' },
  { source: "postalCode", target: 'addresses[type eq "work"].postalCode' },
  { source: "physicalDeliveryOfficeName", target: 'addresses[type eq "other"].formatted' },
  { source: "department", target: `${ENTERPRISE_SCHEMA}:department` },
  { source: "employeeId", target: `${ENTERPRISE_SCHEMA}:employeeNumber` },
  { source: "manager", target: `${ENTERPRISE_SCHEMA}:manager` },
];

export const ENTRA_DEFAULT_GROUP_MAPPING: readonly DefaultMapping[] = [
  { source: "displayName", target: "displayName" },
  { source: "objectId", target: "externalId" },
  { source: "members", target: "members" },
];

/** The target every user needs (P5): a user without a work email is refused. */
export const EMAIL_TARGET = 'emails[type eq "work"].value';

/**
 * Our product rules that a declared target can still break, by target: Entra's proxyAddresses
 * are `SMTP:ann@contoso.com` forms, and every email value must be one plain address (P5).
 */
const RULE_REMOVALS: Record<string, string> = {
  'emails[type eq "other"].value':
    "Entra sends proxy addresses as SMTP:… values, and every email value must be a plain address: users with one would be refused.",
};

export interface MappingAdvice {
  keep: (DefaultMapping & { note?: string })[];
  remove: (DefaultMapping & { why: string })[];
  /** The tenant's custom attributes: Entra sends them only once they are in its attribute list and mapped. */
  add: { target: string; name: string }[];
  /** Declared, writable, simple attributes no default mapping fills: mapped only if wanted. */
  optional: string[];
  groups: { keep: DefaultMapping[]; remove: (DefaultMapping & { why: string })[] };
}

const PATH = /^([A-Za-z$][\w$-]*)(?:\[type eq "([^"]*)"\])?(?:\.([A-Za-z$][\w$-]*))?$/;
const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

/** The schema and attribute path of a target: an extension URN prefix, else the resource's core schema. */
function split(target: string, core: string): { schemaId: string; path: string } {
  if (!target.toLowerCase().startsWith("urn:")) return { schemaId: core, path: target };
  const at = target.lastIndexOf(":");
  return { schemaId: target.slice(0, at), path: target.slice(at + 1) };
}

/** Why `target` cannot be written under these schemas, or undefined when it can. */
export function undeclared(target: string, schemas: readonly SchemaDef[], core: string): string | undefined {
  const { schemaId, path } = split(target, core);
  const schema = schemas.find((s) => same(s.id, schemaId));
  if (!schema) return `The schema ${schemaId} is not in this tenant's /Schemas.`;
  const m = PATH.exec(path);
  if (!m) return `${target} is not an attribute path.`;
  const [, name, type, sub] = m;
  // RFC 7643 §3.1: id, externalId and meta belong to every resource without being listed in a schema.
  const pool = schema.id === core ? [...schema.attributes, ...COMMON_ATTRIBUTES] : schema.attributes;
  const attr = pool.find((a) => same(a.name, name));
  if (!attr) return `${name} is not declared in ${schema.name}.`;
  if (!writable(attr)) return `${name} is read-only here.`;
  if (type !== undefined) {
    const typeAttr = attr.subAttributes?.find((a) => same(a.name, "type"));
    if (!attr.multiValued || !typeAttr) return `${name} has no type to filter on.`;
    const allowed = typeAttr.canonicalValues ?? [];
    if (allowed.length > 0 && !allowed.some((v) => same(v, type))) {
      return `${name} takes the types ${allowed.join(", ")}, not "${type}".`;
    }
  }
  if (sub !== undefined) {
    const subAttr = attr.subAttributes?.find((a) => same(a.name, sub));
    if (!subAttr) return `${name}.${sub} is not declared.`;
    if (!writable(subAttr)) return `${name}.${sub} is read-only here.`;
  }
  return undefined;
}

const writable = (a: AttrDef) =>
  a.mutability === "readWrite" || a.mutability === "immutable" || a.mutability === "writeOnly";

/** Entra's default mapping for a tenant whose `/Schemas` lists `schemas`. */
export function mappingAdvice(schemas: readonly SchemaDef[]): MappingAdvice {
  const keep: MappingAdvice["keep"] = [];
  const remove: MappingAdvice["remove"] = [];
  for (const m of ENTRA_DEFAULT_USER_MAPPING) {
    const why = undeclared(m.target, schemas, USER_SCHEMA) ?? RULE_REMOVALS[m.target];
    if (why) remove.push({ ...m, why });
    else if (m.target === EMAIL_TARGET) {
      keep.push({ ...m, note: "Required: a user without one is refused." });
    } else keep.push(m);
  }
  const custom = schemas.find((s) => s.id === CUSTOM_SCHEMA)?.attributes ?? [];
  const add = custom.map((a) => ({ name: a.name, target: `${CUSTOM_SCHEMA}:${a.name}` }));
  const covered = new Set(ENTRA_DEFAULT_USER_MAPPING.map((m) => m.target.toLowerCase()));
  const optional = schemas
    .filter((s) => s.id === USER_SCHEMA || s.id === ENTERPRISE_SCHEMA)
    .flatMap((s) =>
      s.attributes
        .filter((a) => a.type !== "complex" && !a.multiValued && writable(a))
        .map((a) => (s.id === USER_SCHEMA ? a.name : `${s.id}:${a.name}`)),
    )
    .filter((t) => !covered.has(t.toLowerCase()));
  const groups = { keep: [] as DefaultMapping[], remove: [] as (DefaultMapping & { why: string })[] };
  for (const m of ENTRA_DEFAULT_GROUP_MAPPING) {
    const why = undeclared(m.target, schemas, GROUP_SCHEMA);
    if (why) groups.remove.push({ ...m, why });
    else groups.keep.push(m);
  }
  return { keep, remove, add, optional, groups };
}
