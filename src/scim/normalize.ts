import { badRequest } from "./errors";
import { quote } from "./limits";
import { type ResolvedAttr, findSchema, leaf, resolveAttr, resolveSub, splitUrn } from "./resolve";
import type { AttrType, ResourceSchema } from "./schema/types";

/**
 * A resource document: core attributes at the top level under their canonical names, extension
 * attributes under their schema URN. `id`, `meta` and `schemas` are not part of it.
 */
export type ScimDoc = Record<string, unknown>;

/** What a value coercion reports besides its result. */
export interface CoerceContext {
  /** Full paths of attributes the request carried that the resource type does not define. */
  ignored: string[];
  /**
   * PATCH only (P7): a blank sub-attribute inside a complex value is skipped and reported here
   * instead of being kept. Without it (POST/PUT) blanks are kept for the service to judge (P6).
   */
  onBlank?: (attr: ResolvedAttr) => void;
}

const EXPECTED: Record<AttrType, string> = {
  string: "a string",
  reference: "a string (URI)",
  dateTime: "a string (xsd:dateTime)",
  binary: "a string (base64)",
  boolean: "a boolean",
  integer: "an integer",
  decimal: "a number",
  complex: "an object",
};

export const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

/** Blank in the sense of P7: null, missing, empty or whitespace-only, or an empty list. */
export const isBlank = (v: unknown): boolean =>
  v === null || v === undefined || (typeof v === "string" && v.trim() === "") || (Array.isArray(v) && v.length === 0);

/** The path a client would write: `name.givenName`, `urn:...:User:manager.value`. */
export function pathOf(r: ResolvedAttr): string {
  const names = r.extension ? r.docPath.slice(1) : r.docPath;
  return (r.extension ? `${r.extension}:` : "") + names.join(".");
}

const describe = (v: unknown) =>
  Array.isArray(v) ? "an array" : v === null ? "null" : `${typeof v} ${quote(JSON.stringify(v) ?? "")}`;

const typeError = (r: ResolvedAttr, expected: string, got: unknown) =>
  badRequest("invalidValue", `Attribute "${pathOf(r)}" must be ${expected}; got ${describe(got)}.`);

/**
 * RFC 7643 section 3.1 and 2.2: readOnly values a client sends are ignored, not refused, in a
 * resource body (POST/PUT). PATCH refuses them instead (RFC 7644 3.5.2, scimType mutability).
 */
export const isReadOnly = (r: ResolvedAttr) => r.top.mutability === "readOnly" || r.sub?.mutability === "readOnly";

/**
 * Maps a POST/PUT body onto the canonical document. Attribute names are case-insensitive
 * (RFC 7643 2.1); unknown attributes are dropped and listed so that callers can audit them.
 */
export function normalizeResource(input: unknown, resource: ResourceSchema): { doc: ScimDoc; ignored: string[] } {
  if (!isPlainObject(input)) throw badRequest("invalidSyntax", `A ${resource.name} must be a JSON object.`);
  const ctx: CoerceContext = { ignored: [] };
  const doc: ScimDoc = {};
  for (const [key, value] of Object.entries(input)) {
    if (key.toLowerCase() === "schemas") continue;
    const schema = findSchema(resource, key);
    if (schema) {
      if (value === null || value === undefined) continue;
      if (!isPlainObject(value))
        throw badRequest("invalidValue", `"${schema.id}" must be an object of ${schema.name} attributes.`);
      for (const [k, v] of Object.entries(value))
        put(doc, resource, { uri: schema.id, names: [k] }, v, ctx, `${schema.id}:${k}`);
      continue;
    }
    // Flat URN-qualified keys ("urn:...:enterprise:2.0:User:department") are what some clients send.
    const ref = key.toLowerCase().startsWith("urn:") ? splitUrn(resource, key) : { names: [key] };
    if (resolveAttr(resource, ref)) put(doc, resource, ref, value, ctx, key);
    else ctx.ignored.push(...unknownPaths(key, value));
  }
  return { doc, ignored: ctx.ignored };
}

/**
 * What an unknown key carried, for the audit: an object under an unknown URN is taken as an
 * extension this tenant does not define (custom attributes, P18), listed attribute by attribute.
 */
export function unknownPaths(key: string, value: unknown): string[] {
  if (!key.toLowerCase().startsWith("urn:") || !isPlainObject(value) || Object.keys(value).length === 0) return [key];
  return Object.keys(value).map((k) => `${key}:${k}`);
}

function put(
  doc: ScimDoc,
  resource: ResourceSchema,
  ref: { uri?: string; names: string[] },
  value: unknown,
  ctx: CoerceContext,
  label: string,
) {
  const r = resolveAttr(resource, ref);
  if (!r || (r.sub && r.top.multiValued)) {
    ctx.ignored.push(label);
    return;
  }
  if (isReadOnly(r)) return;
  const v = coerceAttr(r, value, ctx);
  if (v === undefined) return;
  let at: Record<string, unknown> = doc;
  for (const k of r.docPath.slice(0, -1)) {
    if (!isPlainObject(at[k])) at[k] = {};
    at = at[k] as Record<string, unknown>;
  }
  at[r.docPath[r.docPath.length - 1]] = v;
}

/**
 * The whole value of an attribute (a list for a multi-valued one; a single value is wrapped).
 * Returns undefined for null: RFC 7643 2.5 treats null as unassigned.
 */
export function coerceAttr(r: ResolvedAttr, value: unknown, ctx: CoerceContext): unknown {
  if (value === null || value === undefined) return undefined;
  if (leaf(r).multiValued) {
    const items = Array.isArray(value) ? value : [value];
    return items.map((item) => coerceItem(r, item, ctx)).filter((item) => item !== undefined);
  }
  if (Array.isArray(value)) throw typeError(r, `${EXPECTED[leaf(r).type]} (single-valued)`, value);
  return coerceItem(r, value, ctx);
}

/** One value of an attribute: for a multi-valued attribute, one element. */
export function coerceItem(r: ResolvedAttr, value: unknown, ctx: CoerceContext): unknown {
  if (value === null || value === undefined) return undefined;
  const def = leaf(r);
  if (def.type !== "complex") return coerceScalar(r, value);
  // Entra sends the enterprise manager as the manager's id alone; a single-valued complex that
  // refers to another resource (it has a `value` sub-attribute) takes a bare id as that value.
  if (typeof value === "string" && !def.multiValued && def.subAttributes?.some((s) => s.name === "value")) {
    value = { value };
  }
  if (!isPlainObject(value)) throw typeError(r, EXPECTED.complex, value);
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    const sr = resolveSub(r, { names: [k] });
    if (!sr?.sub) {
      ctx.ignored.push(`${pathOf(r)}.${k}`);
      continue;
    }
    if (sr.sub.mutability === "readOnly") continue;
    if (ctx.onBlank && isBlank(v)) {
      ctx.onBlank(sr);
      continue;
    }
    const c = coerceScalar(sr, v);
    if (c !== undefined) out[sr.sub.name] = c;
  }
  return out;
}

/** RFC 7643 2.3 data types, plus the "True"/"False" strings Entra's legacy form sends for booleans. */
export function coerceScalar(r: ResolvedAttr, value: unknown): unknown {
  if (value === null || value === undefined) return undefined;
  const def = leaf(r);
  // An empty string carries no value of a non-string type (RFC 7643 2.5: unassigned).
  if (def.type !== "string" && typeof value === "string" && value.trim() === "") return undefined;
  switch (def.type) {
    case "string":
    case "reference":
    case "binary":
      if (typeof value === "string") return value;
      break;
    case "dateTime":
      if (typeof value === "string" && !Number.isNaN(Date.parse(value))) return value;
      break;
    case "boolean": {
      if (typeof value === "boolean") return value;
      const s = typeof value === "string" ? value.trim().toLowerCase() : undefined;
      if (s === "true" || s === "false") return s === "true";
      break;
    }
    case "integer":
      if (typeof value === "number" && Number.isInteger(value)) return value;
      break;
    case "decimal":
      if (typeof value === "number" && Number.isFinite(value)) return value;
      break;
    case "complex":
      break;
  }
  throw typeError(r, EXPECTED[def.type], value);
}
