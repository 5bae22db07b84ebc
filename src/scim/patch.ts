import { badRequest } from "./errors";
import type { Filter, PatchPath } from "./filter/ast";
import { parsePatchPath } from "./filter/parser";
import { type ScimDoc, coerceAttr, isBlank, isPlainObject, isReadOnly, unknownPaths } from "./normalize";
import { type PatchContext, type Target, parentOf, pruneEmpty } from "./patch-doc";
import { applyMulti } from "./patch-multi";
import { type PatchOp, type PatchOpName, parsePath, readPatchOps } from "./patch-ops";
import { type ResolvedAttr, findSchema, formatRef, leaf, resolveAttr, resolveSub, splitUrn } from "./resolve";
import type { ResourceSchema, SchemaDef } from "./schema/types";

export type { PatchOp } from "./patch-ops";

export interface PatchOptions {
  /**
   * P7: an add/replace with a blank value (null, "", whitespace, []) leaves the stored value as
   * it is and is reported here, so that a service can refuse blanks it must not accept (P6).
   */
  onBlank?: (attr: ResolvedAttr) => void;
  /**
   * The tenant's blank-value rule set to `clear` (Entra's validator reads `""` and `null` back
   * empty): an add/replace of a blank single-valued attribute, or of a complex one whose given
   * sub-attributes are all blank (`manager: {"value": ""}`), removes it. `onBlank` still runs
   * first, so a blank that must be refused (P6) is. Multi-valued attributes keep P7.
   */
  clearBlanks?: boolean;
}

/**
 * RFC 7644 3.5.2 PATCH of a resource document. Returns a new document; `doc` is not changed.
 * `ignored` lists paths under extension schemas this resource does not define (custom attributes
 * an admin has not declared, P18) and unknown attributes inside pathless values.
 */
export function applyPatch(
  doc: ScimDoc,
  ops: unknown,
  resource: ResourceSchema,
  options: PatchOptions = {},
): { doc: ScimDoc; ignored: string[] } {
  const list = readPatchOps(ops);
  const ctx: PatchContext = {
    doc: structuredClone(doc),
    resource,
    ignored: [],
    onBlank: options.onBlank ?? (() => {}),
    clearBlanks: options.clearBlanks === true,
  };
  for (const op of list) {
    if (op.path === undefined) applyPathless(ctx, op);
    else applyAt(ctx, op.op, parsePath(op.path), op.path, op.value, false);
  }
  return { doc: ctx.doc, ignored: ctx.ignored };
}

/**
 * RFC 7644 3.5.2.1/3.5.2.3 without a path: the value holds attributes of the resource. Entra's
 * `aadOptscim062020` form puts paths in its keys ("name.givenName", `emails[type eq "work"].value`,
 * "urn:...:enterprise:2.0:User:department"), so each key is applied as if it were the path.
 */
function applyPathless(ctx: PatchContext, op: PatchOp) {
  if (!isPlainObject(op.value)) {
    throw badRequest("invalidValue", `An "${op.op}" without a path needs an object of attributes as its value.`);
  }
  for (const [key, value] of Object.entries(op.value)) {
    if (key.toLowerCase() === "schemas") continue;
    const schema = findSchema(ctx.resource, key);
    if (schema && schema.id !== ctx.resource.core.id) {
      applyToExtension(ctx, op.op, schema, value);
      continue;
    }
    if (schema) {
      applyPathless(ctx, { op: op.op, value });
      continue;
    }
    const { uri } = splitUrn(ctx.resource, key);
    if (uri && !findSchema(ctx.resource, uri)) {
      ctx.ignored.push(...unknownPaths(key, value));
      continue;
    }
    let path: PatchPath;
    try {
      path = parsePatchPath(key);
    } catch {
      ctx.ignored.push(key);
      continue;
    }
    applyAt(ctx, op.op, path, key, value, true);
  }
}

function applyToExtension(ctx: PatchContext, op: PatchOpName, schema: SchemaDef, value: unknown) {
  if (op === "remove") {
    delete ctx.doc[schema.id];
    return;
  }
  if (isBlank(value)) return;
  if (!isPlainObject(value))
    throw badRequest("invalidValue", `"${schema.id}" must be an object of ${schema.name} attributes.`);
  for (const [k, v] of Object.entries(value)) {
    applyAt(ctx, op, { attr: { uri: schema.id, names: [k] } }, `${schema.id}:${k}`, v, true);
  }
}

/** `lenient`: a key of a pathless value, where an unknown name is ignored as in a resource body. */
function applyAt(ctx: PatchContext, op: PatchOpName, path: PatchPath, text: string, value: unknown, lenient: boolean) {
  const target = resolveTarget(ctx, path, text, lenient);
  if (!target) return;
  if (target.kind === "extension") return applyToExtension(ctx, op, target.schema, value);
  checkMutability(op, target.kind === "multi" && target.sub ? target.sub : target.attr, text);
  if (target.kind === "multi") return applyMulti(ctx, op, target, value, text);
  applySingle(ctx, op, target.attr, value);
}

function resolveTarget(ctx: PatchContext, path: PatchPath, text: string, lenient: boolean): Target | undefined {
  // Re-split URN paths against the schemas we know: the parser cannot tell `...:2.0:User:x` apart.
  const ref = path.attr.uri ? splitUrn(ctx.resource, formatRef(path.attr)) : path.attr;
  const schema = ref.uri ? findSchema(ctx.resource, ref.uri) : undefined;
  if (schema && ref.names.length === 0 && !path.filter && !path.sub && schema.id !== ctx.resource.core.id) {
    return { kind: "extension", schema };
  }
  const attr = resolveAttr(ctx.resource, ref);
  if (!attr) {
    // Custom attributes (P18) arrive under extension URNs whether or not the tenant has declared
    // them; an undeclared one must not fail the whole update, so it is skipped and reported.
    const underExtension = !!ref.uri && ref.uri.toLowerCase() !== ctx.resource.core.id.toLowerCase();
    if (underExtension || lenient) {
      ctx.ignored.push(text);
      return undefined;
    }
    throw badRequest("invalidPath", `Unknown attribute "${text}" for resource type ${ctx.resource.name}.`);
  }
  if (!attr.top.multiValued) {
    if (path.filter || path.sub)
      throw badRequest("invalidPath", `"${text}": a value filter applies to multi-valued attributes only.`);
    return { kind: "single", attr };
  }
  if (attr.sub) {
    if (path.filter || path.sub) throw badRequest("invalidPath", `"${text}" is not a valid path.`);
    return {
      kind: "multi",
      attr: { ...attr, sub: undefined, docPath: attr.docPath.slice(0, -1), key: attr.top.name.toLowerCase() },
      sub: attr,
    };
  }
  if (path.filter) checkFilterNames(path.filter, attr, text);
  let sub: ResolvedAttr | undefined;
  if (path.sub !== undefined) {
    sub = resolveSub(attr, { names: [path.sub] });
    if (!sub) throw badRequest("invalidPath", `Unknown sub-attribute "${path.sub}" in "${text}".`);
  }
  return { kind: "multi", attr, filter: path.filter, sub };
}

/** A bad name inside the brackets is a bad path, whether or not there is an element to test. */
function checkFilterNames(filter: Filter, attr: ResolvedAttr, text: string) {
  switch (filter.kind) {
    case "and":
    case "or":
      checkFilterNames(filter.left, attr, text);
      return checkFilterNames(filter.right, attr, text);
    case "not":
      return checkFilterNames(filter.filter, attr, text);
    default:
      if (filter.kind === "valuePath" || !resolveSub(attr, filter.attr)) {
        throw badRequest(
          "invalidPath",
          `"${text}": "${formatRef(filter.attr)}" is not a sub-attribute of ${attr.top.name}.`,
        );
      }
  }
}

/** RFC 7643 2.2: readOnly never changes through the protocol; immutable only gets a first value. */
function checkMutability(op: PatchOpName, r: ResolvedAttr, text: string) {
  if (isReadOnly(r)) throw badRequest("mutability", `"${text}" is readOnly and cannot be changed.`);
  if (op !== "add" && (r.top.mutability === "immutable" || r.sub?.mutability === "immutable")) {
    throw badRequest("mutability", `"${text}" is immutable and cannot be replaced or removed.`);
  }
}

function applySingle(ctx: PatchContext, op: PatchOpName, r: ResolvedAttr, value: unknown) {
  const key = r.docPath[r.docPath.length - 1];
  const remove = () => {
    const parent = parentOf(ctx.doc, r.docPath, false);
    if (parent && key in parent) {
      delete parent[key];
      pruneEmpty(ctx.doc, r.docPath);
    }
  };
  if (op === "remove") return remove();
  if (isBlank(value)) {
    ctx.onBlank(r);
    if (ctx.clearBlanks) remove();
    return;
  }
  const v = coerceAttr(r, value, ctx);
  if (leaf(r).type !== "complex") {
    parentOf(ctx.doc, r.docPath, true)![key] = v;
    return;
  }
  const fields = v as Record<string, unknown>;
  if (Object.keys(fields).length === 0) {
    if (ctx.clearBlanks && isPlainObject(value) && Object.values(value).every(isBlank)) remove();
    return;
  }
  const parent = parentOf(ctx.doc, r.docPath, true)!;
  const prev = parent[key];
  // RFC 7644 3.5.2.1/3.5.2.3: sub-attributes not given stay as they are. Except for a complex
  // that names another resource (manager: `value`): a new referent makes the old $ref stale.
  parent[key] = isPlainObject(prev) && !("value" in fields) ? { ...prev, ...fields } : fields;
}
