import { badRequest } from "../errors";
import { formatRef, type ResolvedAttr, resolveOrThrow, resolveSub } from "../resolve";
import type { AttrDef, ResourceSchema } from "../schema/types";
import type { Filter } from "./ast";
import { compareScalar, isPresent, toOperand } from "./compare";

type Leaf = Extract<Filter, { kind: "compare" | "present" }>;
/** The values a leaf's attribute has in the thing being matched (several for multi-valued attributes). */
type Lookup = (f: Leaf) => { def: AttrDef; name: string; values: unknown[] };

/**
 * Whether one element of a multi-valued complex attribute matches a value filter, as in
 * `emails[type eq "work"]` (RFC 7644 section 3.5.2). Names inside are relative to `parent`.
 */
export function matchesItem(filter: Filter, item: unknown, parent: ResolvedAttr): boolean {
  return evaluate(
    filter,
    ({ attr }) => {
      const r = resolveSub(parent, attr);
      if (!r?.sub) {
        throw badRequest(
          "invalidFilter",
          `Unknown attribute "${formatRef(attr)}" in the value filter of "${parent.key}".`,
        );
      }
      return { def: r.sub, name: r.key, values: [get(item, r.sub.name)] };
    },
    (f) => {
      throw badRequest(
        "invalidFilter",
        `Value filters cannot be nested: "${formatRef(f.attr)}" inside "${parent.key}".`,
      );
    },
  );
}

/** Whether a whole resource document matches a filter; the list endpoints use SQL, this serves tests and PATCH. */
export function matchesResource(filter: Filter, doc: Record<string, unknown>, resource: ResourceSchema): boolean {
  return evaluate(
    filter,
    (f) => {
      const r = resolveOrThrow(resource, f.attr, "invalidFilter");
      // A multi-valued attribute is present when it has an element; compared, it means its value.
      const sub = r.sub ?? (r.top.multiValued && f.kind === "compare" ? valueSub(r) : undefined);
      return { def: sub ?? r.top, name: r.key, values: valuesAt(doc, r, sub) };
    },
    (f) => {
      const r = resolveOrThrow(resource, f.attr, "invalidFilter");
      if (r.sub || r.top.type !== "complex") {
        throw badRequest(
          "invalidFilter",
          `"${formatRef(f.attr)}" is not a complex attribute: it takes no value filter.`,
        );
      }
      const value = get(r.extension ? get(doc, r.extension) : doc, r.top.name);
      const items = r.top.multiValued ? (Array.isArray(value) ? value : []) : [value];
      return items.some((item) => matchesItem(f.filter, item, r));
    },
  );
}

function evaluate(
  filter: Filter,
  lookup: Lookup,
  valuePath: (f: Extract<Filter, { kind: "valuePath" }>) => boolean,
): boolean {
  const go = (f: Filter): boolean => {
    switch (f.kind) {
      case "and":
        return go(f.left) && go(f.right);
      case "or":
        return go(f.left) || go(f.right);
      case "not":
        return !go(f.filter);
      case "valuePath":
        return valuePath(f);
      default:
        return leafMatches(f, lookup(f));
    }
  };
  return go(filter);
}

function leafMatches(f: Leaf, { def, name, values }: ReturnType<Lookup>): boolean {
  const present = () => values.some(isPresent);
  if (f.kind === "present") return present();
  if (f.value === null) {
    // RFC 7643 section 2.5: null is the same as absent.
    if (f.op === "eq") return !present();
    if (f.op === "ne") return present();
    throw badRequest("invalidFilter", `"${name}": null can only be compared with eq or ne.`);
  }
  // `ne` is the negation of `eq`, so an absent attribute is "not equal" (and never silently dropped).
  const op = f.op === "ne" ? "eq" : f.op;
  const operand = toOperand(def, op, f.value, name);
  const hit = values.some((v) => compareScalar(operand, op, v));
  return f.op === "ne" ? !hit : hit;
}

/** `emails eq "x"` means `emails.value eq "x"` (RFC 7644 section 3.4.2.2, multi-valued attributes). */
export const valueSub = (r: ResolvedAttr): AttrDef | undefined => r.top.subAttributes?.find((s) => s.name === "value");

function valuesAt(doc: unknown, r: ResolvedAttr, sub: AttrDef | undefined): unknown[] {
  const top = get(r.extension ? get(doc, r.extension) : doc, r.top.name);
  if (r.top.multiValued) {
    const items = Array.isArray(top) ? top : [];
    return sub ? items.map((item) => get(item, sub.name)) : items;
  }
  return [sub ? get(top, sub.name) : top];
}

/** Keys are canonical in stored documents but may be cased freely in request bodies (RFC 7643 section 2.1). */
function get(obj: unknown, key: string): unknown {
  if (typeof obj !== "object" || obj === null || Array.isArray(obj)) return undefined;
  const rec = obj as Record<string, unknown>;
  if (Object.hasOwn(rec, key)) return rec[key];
  const lower = key.toLowerCase();
  const found = Object.keys(rec).find((k) => k.toLowerCase() === lower);
  return found === undefined ? undefined : rec[found];
}
