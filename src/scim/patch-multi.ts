import { badRequest } from "./errors";
import type { Filter } from "./filter/ast";
import { foldAscii } from "./filter/compare";
import { matchesItem } from "./filter/evaluate";
import { coerceAttr, coerceItem, isBlank, isPlainObject } from "./normalize";
import { type MultiTarget, type PatchContext, parentOf, pruneEmpty } from "./patch-doc";
import type { PatchOpName } from "./patch-ops";
import { type ResolvedAttr, leaf, resolveSub } from "./resolve";

type Item = Record<string, unknown>;

/** Sub-attributes that describe an element rather than identify it (RFC 7643 2.4). */
const NOT_IDENTITY = new Set(["primary", "display"]);

/** RFC 7644 3.5.2 on a multi-valued attribute, with or without a value filter and sub-attribute. */
export function applyMulti(ctx: PatchContext, op: PatchOpName, t: MultiTarget, value: unknown, text: string) {
  const { attr } = t;
  const key = attr.docPath[attr.docPath.length - 1];
  if (op === "remove") {
    const parent = parentOf(ctx.doc, attr.docPath, false);
    if (!parent || !(key in parent)) return;
    const list = asList(parent[key]);
    const keep = removeFrom(ctx, t, list, value);
    if (keep.length > 0) parent[key] = keep;
    else delete parent[key];
    pruneEmpty(ctx.doc, attr.docPath);
    return;
  }
  if (isBlank(value)) return ctx.onBlank(t.sub ?? attr);
  const parent = parentOf(ctx.doc, attr.docPath, true)!;
  const list = asList(parent[key]);
  let winner: Item | undefined;
  if (!t.filter && !t.sub) {
    const items = (coerceAttr(attr, value, ctx) as Item[]).filter((i) => isUseful(attr, i));
    if (items.length === 0) return ctx.onBlank(attr);
    if (op === "replace") list.splice(0, list.length, ...items);
    for (const item of items) {
      const existing = op === "add" ? list.find((e) => sameValue(attr, e, item)) : item;
      if (existing && existing !== item) Object.assign(existing, item);
      else if (!existing) list.push(item);
      if (item.primary === true) winner ??= existing ?? item;
    }
  } else {
    const matched = list.filter((e) => !t.filter || matchesItem(t.filter, e, attr));
    const patch = t.sub ? { [t.sub.sub!.name]: coerceItem(t.sub, value, ctx) } : (coerceItem(attr, value, ctx) as Item);
    if (Object.keys(patch).length === 0) return;
    if (matched.length === 0) {
      // Entra sends `replace emails[type eq "work"].value` to a user who has no work email yet and
      // expects one to be created: an eq/and filter describes the element it wants.
      const seed = t.filter ? seedFrom(t.filter, attr) : {};
      if (!seed) throw badRequest("noTarget", `No value of "${attr.top.name}" matches "${text}".`);
      const created = { ...seed, ...patch };
      list.push(created);
      matched.push(created);
    } else {
      const seed = t.filter && seedFrom(t.filter, attr);
      for (const e of matched) {
        // Replacing a whole matched element keeps what the filter said about it (its type).
        if (op === "replace" && !t.sub) replaceContents(e, { ...(seed || {}), ...patch });
        else Object.assign(e, patch);
      }
    }
    winner = matched.find(
      (e) => e.primary === true && (t.sub ? t.sub.sub!.name === "primary" : patch.primary === true),
    );
  }
  keepOnePrimary(list, winner);
  if (list.length > 0) parent[key] = list;
  else {
    delete parent[key];
    pruneEmpty(ctx.doc, attr.docPath);
  }
}

const asList = (v: unknown): Item[] => (Array.isArray(v) ? v.filter(isPlainObject) : []);

/** An element whose definition has a `value` but that carries none (blanks skipped, P7) is noise. */
const isUseful = (attr: ResolvedAttr, item: Item) =>
  Object.keys(item).length > 0 && (!attr.top.subAttributes?.some((s) => s.name === "value") || "value" in item);

function replaceContents(target: Item, source: Item) {
  for (const k of Object.keys(target)) delete target[k];
  Object.assign(target, source);
}

function removeFrom(ctx: PatchContext, t: MultiTarget, list: Item[], value: unknown): Item[] {
  const { attr } = t;
  if (t.filter || t.sub) {
    const hit = (e: Item) => !t.filter || matchesItem(t.filter, e, attr);
    if (!t.sub) return list.filter((e) => !hit(e));
    for (const e of list) if (hit(e)) delete e[t.sub.sub!.name];
    return list.filter((e) => Object.keys(e).length > 0);
  }
  if (value === undefined || value === null) return [];
  // Entra's legacy form removes listed values ({"op":"Remove","path":"members","value":[{"value":"id"}]}):
  // only the elements matching every given sub-attribute go, never the whole list.
  const given = (Array.isArray(value) ? value : [value])
    .map((v) => coerceItem(attr, typeof v === "string" ? { value: v } : v, { ignored: ctx.ignored }) as Item)
    .filter((g) => Object.keys(g).length > 0);
  return list.filter((e) => !given.some((g) => Object.keys(g).every((k) => same(attr, k, e[k], g[k]))));
}

/** RFC 7644 3.5.2.1: adding a value that is already there changes nothing (its details merge). */
function sameValue(attr: ResolvedAttr, a: Item, b: Item): boolean {
  const keys = Object.keys({ ...a, ...b }).filter((k) => !NOT_IDENTITY.has(k));
  const shared = keys.filter((k) => a[k] !== undefined && b[k] !== undefined);
  return shared.length > 0 && shared.every((k) => same(attr, k, a[k], b[k]));
}

function same(attr: ResolvedAttr, sub: string, x: unknown, y: unknown): boolean {
  if (typeof x === "string" && typeof y === "string") {
    const caseExact = resolveSub(attr, { names: [sub] })?.sub?.caseExact ?? false;
    return caseExact ? x === y : foldAscii(x) === foldAscii(y);
  }
  return x === y;
}

/** The element an eq/and filter describes (`type eq "work" and primary eq true`), or undefined. */
function seedFrom(filter: Filter, attr: ResolvedAttr): Item | undefined {
  if (filter.kind === "and") {
    const left = seedFrom(filter.left, attr);
    const right = left && seedFrom(filter.right, attr);
    return right && { ...left, ...right };
  }
  if (filter.kind !== "compare" || filter.op !== "eq" || filter.value === null) return undefined;
  const sub = resolveSub(attr, filter.attr);
  if (!sub?.sub || leaf(sub).type === "complex") return undefined;
  try {
    return { [sub.sub.name]: coerceItem(sub, filter.value, { ignored: [] }) };
  } catch {
    return undefined;
  }
}

/** RFC 7643 2.4: "primary" is true on one element at most; the one just set wins. */
function keepOnePrimary(list: Item[], winner: Item | undefined) {
  if (!winner) return;
  for (const e of list) if (e !== winner && e.primary === true) e.primary = false;
}
