import { isPlainObject } from "./normalize";
import { findSchema, resolveAttr, splitUrn } from "./resolve";
import { COMMON_ATTRIBUTES } from "./schema/common";
import type { AttrDef, ResourceSchema } from "./schema/types";

export interface ProjectionOptions {
  attributes?: string;
  excludedAttributes?: string;
}

type Json = Record<string, unknown>;

/** Names picked by a list: whole top-level attributes, or some of their sub-attributes. */
type Mask = Map<string, "all" | Set<string>>;

/** Key of a top-level attribute in a mask: its extension URN (if any) and its canonical name. */
const maskKey = (extension: string | undefined, name: string) => `${extension ?? ""}\u0000${name}`;

/**
 * RFC 7644 3.4.2.5 `attributes` / `excludedAttributes` on a rendered resource (with id, schemas,
 * meta, canonical names). `returned: "always"` attributes and `schemas` stay; `returned: "never"`
 * never leave; "request" ones only when asked for by name. Unknown names are ignored.
 */
export function project(resource: Json, rs: ResourceSchema, opts: ProjectionOptions): Json {
  const picked = opts.attributes?.trim() ? maskOf(opts.attributes, rs) : undefined;
  const dropped = opts.excludedAttributes?.trim() ? maskOf(opts.excludedAttributes, rs) : new Map();
  const out: Json = {};
  for (const [key, value] of Object.entries(resource)) {
    const ext = rs.extensions.find((s) => s.id === key);
    if (ext) {
      if (!isPlainObject(value)) continue;
      const inner = viewOf(value, ext.attributes, ext.id, picked, dropped);
      if (Object.keys(inner).length > 0) out[key] = inner;
      continue;
    }
    const def = findDef(rs.core.attributes, key) ?? findDef(COMMON_ATTRIBUTES, key);
    if (!def) {
      if (key === "schemas" || !picked) out[key] = value;
      continue;
    }
    const v = attrView(def, value, undefined, picked, dropped);
    if (v !== undefined) out[key] = v;
  }
  return out;
}

const findDef = (defs: AttrDef[], name: string) => defs.find((d) => d.name === name);

function viewOf(obj: Json, defs: AttrDef[], extension: string, picked: Mask | undefined, dropped: Mask): Json {
  const out: Json = {};
  for (const [key, value] of Object.entries(obj)) {
    const def = findDef(defs, key);
    const v = def && attrView(def, value, extension, picked, dropped);
    if (v !== undefined) out[key] = v;
  }
  return out;
}

function attrView(
  def: AttrDef,
  value: unknown,
  extension: string | undefined,
  picked: Mask | undefined,
  dropped: Mask,
): unknown {
  if (def.returned === "never") return undefined;
  if (def.returned === "always") return value;
  const key = maskKey(extension, def.name);
  const pick = picked ? picked.get(key) : def.returned === "request" ? undefined : "all";
  if (!pick) return undefined;
  const drop = dropped.get(key);
  if (drop === "all") return undefined;
  if (def.type !== "complex" || !def.subAttributes) return value;
  const keep = (sub: AttrDef) =>
    sub.returned !== "never" &&
    (sub.returned === "always" ||
      ((pick === "all" ? sub.returned !== "request" : pick.has(sub.name)) && !drop?.has(sub.name)));
  const trim = (item: unknown) => {
    if (!isPlainObject(item)) return item;
    const o: Json = {};
    for (const [k, v] of Object.entries(item)) {
      const sub = findDef(def.subAttributes!, k);
      if (sub && keep(sub)) o[k] = v;
    }
    return o;
  };
  if (Array.isArray(value)) {
    const items = value.map(trim).filter((i) => !isPlainObject(i) || Object.keys(i).length > 0);
    return items.length > 0 ? items : undefined;
  }
  const one = trim(value);
  return isPlainObject(one) && Object.keys(one).length === 0 ? undefined : one;
}

/** Splits on commas outside brackets and quotes: `emails[type eq "a,b"]` is one name. */
function splitList(text: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let quoted = false;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"' && text[i - 1] !== "\\") quoted = !quoted;
    else if (!quoted && c === "[") depth++;
    else if (!quoted && c === "]") depth = Math.max(0, depth - 1);
    else if (!quoted && depth === 0 && c === ",") {
      out.push(text.slice(start, i));
      start = i + 1;
    }
  }
  out.push(text.slice(start));
  return out.map((s) => s.trim()).filter(Boolean);
}

function maskOf(list: string, rs: ResourceSchema): Mask {
  const mask: Mask = new Map();
  const all = (extension: string | undefined, name: string) => mask.set(maskKey(extension, name), "all");
  for (const raw of splitList(list)) {
    // Microsoft's Postman collection asks for `emails[type eq "work"]`: projection has no filters,
    // so the filter is dropped and the attribute taken whole.
    const name = raw.replace(/\[[^\]]*\]/g, "");
    const schema = name.toLowerCase().startsWith("urn:") ? findSchema(rs, name) : undefined;
    if (schema) {
      const extension = schema === rs.core ? undefined : schema.id;
      for (const a of schema.attributes) all(extension, a.name);
      continue;
    }
    const ref = name.toLowerCase().startsWith("urn:") ? splitUrn(rs, name) : { names: name.split(".") };
    const r = resolveAttr(rs, ref);
    if (!r) continue;
    const key = maskKey(r.extension, r.top.name);
    const prev = mask.get(key);
    if (!r.sub) all(r.extension, r.top.name);
    else if (prev !== "all") mask.set(key, (prev ?? new Set<string>()).add(r.sub.name));
  }
  return mask;
}
