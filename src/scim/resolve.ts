import { badRequest, type ScimType } from "./errors";
import type { AttrRef } from "./filter/ast";
import { COMMON_ATTRIBUTES } from "./schema/common";
import type { AttrDef, ResourceSchema, SchemaDef } from "./schema/types";

/**
 * An attribute reference resolved against a resource type: canonical names, the schema it
 * belongs to and its definition. RFC 7643 section 2.1: attribute names are case-insensitive.
 */
export interface ResolvedAttr {
  /** The schema URN the attribute belongs to; undefined for common attributes (id, externalId, meta). */
  schema?: string;
  /** The extension URN under which the attribute sits in a document; undefined for core and common. */
  extension?: string;
  /** The top-level attribute. */
  top: AttrDef;
  /** The sub-attribute, when the reference names one. */
  sub?: AttrDef;
  /** Canonical key path inside a resource document, e.g. ["name", "givenName"] or [URN, "manager", "value"]. */
  docPath: string[];
  /** Lower-cased dotted path without the URN, e.g. "name.givenName" -> "name.givenname". */
  key: string;
}

const findAttr = (defs: AttrDef[] | undefined, name: string) =>
  defs?.find((d) => d.name.toLowerCase() === name.toLowerCase());

export function findSchema(resource: ResourceSchema, uri: string): SchemaDef | undefined {
  const u = uri.toLowerCase();
  return [resource.core, ...resource.extensions].find((s) => s.id.toLowerCase() === u);
}

/** Splits `urn:...:User:name.familyName` into the URN and the dotted names, knowing the resource's schemas. */
export function splitUrn(resource: ResourceSchema, text: string): AttrRef {
  const lower = text.toLowerCase();
  for (const s of [resource.core, ...resource.extensions]) {
    const id = s.id.toLowerCase();
    if (lower === id) return { uri: s.id, names: [] };
    if (lower.startsWith(id + ":")) return { uri: s.id, names: text.slice(id.length + 1).split(".") };
  }
  if (lower.startsWith("urn:")) {
    // An unknown URN: keep the part after the last colon as the attribute so that errors can name it.
    const at = text.lastIndexOf(":");
    return { uri: text.slice(0, at), names: text.slice(at + 1).split(".") };
  }
  return { names: text.split(".") };
}

/**
 * Resolves a reference or returns undefined when it names nothing this resource type has.
 * `resolveOrThrow` turns that into the caller's SCIM error.
 */
export function resolveAttr(resource: ResourceSchema, ref: AttrRef): ResolvedAttr | undefined {
  const [first, second, ...rest] = ref.names;
  if (!first || rest.length > 0) return undefined;
  let schema: SchemaDef | undefined;
  let top: AttrDef | undefined;
  if (ref.uri) {
    schema = findSchema(resource, ref.uri);
    top = findAttr(schema?.attributes, first);
  } else {
    top = findAttr(resource.core.attributes, first);
    if (top) schema = resource.core;
    else top = findAttr(COMMON_ATTRIBUTES, first);
  }
  if (!top) return undefined;
  let sub: AttrDef | undefined;
  if (second !== undefined) {
    sub = findAttr(top.subAttributes, second);
    if (!sub) return undefined;
  }
  const extension = schema && schema !== resource.core ? schema.id : undefined;
  const names = sub ? [top.name, sub.name] : [top.name];
  return {
    schema: schema?.id,
    extension,
    top,
    sub,
    docPath: extension ? [extension, ...names] : names,
    key: names.join(".").toLowerCase(),
  };
}

export function resolveOrThrow(resource: ResourceSchema, ref: AttrRef, scimType: ScimType): ResolvedAttr {
  const r = resolveAttr(resource, ref);
  if (!r) throw badRequest(scimType, `Unknown attribute "${formatRef(ref)}" for resource type ${resource.name}.`);
  return r;
}

/** Resolves a name relative to a complex attribute (inside a value filter `emails[type eq ...]`). */
export function resolveSub(parent: ResolvedAttr, ref: AttrRef): ResolvedAttr | undefined {
  if (ref.uri || ref.names.length !== 1 || parent.sub) return undefined;
  const sub = findAttr(parent.top.subAttributes, ref.names[0]);
  if (!sub) return undefined;
  return { ...parent, sub, docPath: [...parent.docPath, sub.name], key: `${parent.key}.${sub.name.toLowerCase()}` };
}

export const formatRef = (ref: AttrRef) => (ref.uri ? `${ref.uri}:` : "") + ref.names.join(".");

/** The effective definition: the sub-attribute when there is one, else the top-level attribute. */
export const leaf = (r: ResolvedAttr): AttrDef => r.sub ?? r.top;
