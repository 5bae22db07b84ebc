import type { AttrRef, Filter } from "./filter/ast";
import { parseAttrPath, parseFilter } from "./filter/parser";
import { badRequest } from "./errors";
import type { ListQuery } from "./list";
import { resolveAttr } from "./resolve";
import type { ResourceSchema } from "./schema/types";

/**
 * RFC 7644 §3.4.3: `POST /.search` at the service root searches every resource type. The
 * planning is pure: which types a query can match, and how a page of the merged answer is cut.
 */

/** A sorted search across types merges the first rows of each; beyond this, search one type. */
export const ROOT_SORTED_WINDOW = 1000;

function attrsOf(f: Filter, out: AttrRef[] = []): AttrRef[] {
  switch (f.kind) {
    case "and":
    case "or":
      attrsOf(f.left, out);
      return attrsOf(f.right, out);
    case "not":
      return attrsOf(f.filter, out);
    default:
      // A value path's inner names are relative to its attribute, which decides the type.
      out.push(f.attr);
      return out;
  }
}

/**
 * The resource types a query applies to: a type lacking an attribute the filter names holds no
 * resource that could match it (the comparison is with an unassigned value, RFC 7644 §3.4.2.2),
 * so it is left out. Sorting needs the attribute on every type searched. None left: 400.
 */
export function rootSearchTypes<T extends { resource: ResourceSchema }>(q: ListQuery, types: T[]): T[] {
  const refs = q.filter ? attrsOf(parseFilter(q.filter)) : [];
  const matching = types.filter((t) => refs.every((r) => resolveAttr(t.resource, r)));
  if (matching.length === 0) {
    throw badRequest("invalidFilter", "The filter names attributes that no resource type (User, Group) has.");
  }
  if (q.sortBy) {
    const sortRef = parseAttrPath(q.sortBy, "invalidValue");
    const lacking = matching.filter((t) => !resolveAttr(t.resource, sortRef)).map((t) => t.resource.name);
    if (lacking.length) {
      throw badRequest(
        "invalidValue",
        `sortBy "${q.sortBy}" is not an attribute of ${lacking.join(" and ")}: across resource types, sort by an attribute every type has (displayName, externalId, id, meta.created, meta.lastModified), or add a filter that selects one type.`,
      );
    }
    if (q.startIndex - 1 + q.count > ROOT_SORTED_WINDOW) {
      throw badRequest(
        "invalidValue",
        `A sorted search across resource types reaches the first ${ROOT_SORTED_WINDOW} results; search /Users/.search or /Groups/.search for more.`,
      );
    }
  }
  return matching;
}

type Json = Record<string, unknown>;

const valueAt = (doc: Json, path: string[]): unknown =>
  path.reduce<unknown>((v, k) => (v && typeof v === "object" ? (v as Json)[k] : undefined), doc);

/**
 * Merges each type's first rows (each already in sortBy order) into one order, as SQLite sorts:
 * unassigned values first ascending, strings compared case-insensitively unless caseExact.
 */
export function mergeSorted(lists: { resource: ResourceSchema; docs: Json[] }[], q: ListQuery): Json[] {
  const ref = parseAttrPath(q.sortBy ?? "", "invalidValue");
  const keyed = lists.flatMap(({ resource, docs }) => {
    const r = resolveAttr(resource, ref);
    const exact = r ? (r.sub ?? r.top).caseExact : false;
    return docs.map((doc) => {
      const v = r ? valueAt(doc, r.docPath) : undefined;
      return { doc, key: typeof v === "string" && !exact ? v.toLowerCase() : v, id: String(doc.id) };
    });
  });
  const dir = q.sortOrder === "descending" ? -1 : 1;
  const cmp = (a: unknown, b: unknown) => {
    if (a === b) return 0;
    if (a === undefined || a === null) return -1;
    if (b === undefined || b === null) return 1;
    return (a as string) < (b as string) ? -1 : 1;
  };
  return keyed.sort((a, b) => dir * (cmp(a.key, b.key) || cmp(a.id, b.id))).map((k) => k.doc);
}
