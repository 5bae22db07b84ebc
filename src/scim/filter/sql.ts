import { badRequest } from "../errors";
import { leaf, resolveOrThrow } from "../resolve";
import type { Filter } from "./ast";
import { valueSub } from "./evaluate";
import { parseAttrPath } from "./parser";
import { type Expr, listDepth } from "./sql-expr";
import { Compiler, isText, parentOf, type SqlParam } from "./sql-compiler";
import type { SqlTarget } from "./sql-target";

export type { SideTable, SqlTarget } from "./sql-target";
export type { SqlParam };

/** https://developers.cloudflare.com/d1/platform/limits/ : "Maximum bound parameters per query: 100". */
export const D1_MAX_BOUND_PARAMS = 100;
/** Left for the caller's LIMIT/OFFSET and scoping parameters. */
const PARAMS_RESERVED_FOR_PAGING = 10;
export const MAX_FILTER_PARAMS = D1_MAX_BOUND_PARAMS - PARAMS_RESERVED_FOR_PAGING;
/** A bound on the work one filter asks of the database (each comparison is a predicate per row scanned). */
export const MAX_FILTER_TERMS = 100;
/**
 * D1 refuses an expression tree deeper than 100 ("Expression tree is too large (maximum depth
 * 100)"), measured on local D1 for every list statement in test/unit/filter-depth.test.ts; before
 * this limit 48 or-ed terms or 24 nested `not (` answered 500. The filter's cost in the costliest
 * list statement (sql-expr.ts, listDepth) must stay within it; KEYSET_DEPTH is left for the
 * cursor condition a cursor page adds to the WHERE.
 */
export const D1_MAX_EXPR_DEPTH = 100;
export const KEYSET_DEPTH = 2;
export const MAX_FILTER_SQL_DEPTH = D1_MAX_EXPR_DEPTH - KEYSET_DEPTH;

export interface CompiledFilter {
  /** A WHERE-clause fragment with numbered parameters ?firstParam .. ?(firstParam + params.length - 1). */
  sql: string;
  params: SqlParam[];
}

/** A filter compiled without the size checks, with what it costs; compileFilter applies the limits. */
export interface UncheckedFilter extends CompiledFilter {
  expr: Expr;
  terms: number;
}

/**
 * Compiles a filter into an SQLite WHERE fragment for D1 (RFC 7644 section 3.4.2.2). Every
 * literal is a bound parameter; a value used twice is bound once.
 */
export function compileFilter(filter: Filter, target: SqlTarget, firstParam = 1): CompiledFilter {
  const c = compileUnchecked(filter, target, firstParam);
  if (c.terms > MAX_FILTER_TERMS || c.params.length > MAX_FILTER_PARAMS) {
    throw badRequest(
      "invalidFilter",
      `Filter too complex: at most ${MAX_FILTER_TERMS} comparisons and ${MAX_FILTER_PARAMS} distinct values.`,
    );
  }
  const depth = listDepth(c.expr);
  if (depth > MAX_FILTER_SQL_DEPTH) {
    throw badRequest(
      "invalidFilter",
      `Filter too complex: it nests too deeply for the database (depth ${depth}, at most ${MAX_FILTER_SQL_DEPTH}); ` +
        `use fewer nested "not", parentheses and value filters.`,
    );
  }
  return { sql: c.sql, params: c.params };
}

export function compileUnchecked(filter: Filter, target: SqlTarget, firstParam = 1): UncheckedFilter {
  const c = new Compiler(target, firstParam, "invalidFilter");
  const expr = c.node(filter);
  return { sql: expr.sql, params: c.params, expr, terms: c.terms };
}

/**
 * The ORDER BY expression for `sortBy` (RFC 7644 section 3.4.2.3), with the attribute's
 * collation. A multi-valued attribute sorts by its primary value, else its first.
 */
export function compileSortBy(sortBy: string, target: SqlTarget): string {
  const c = new Compiler(target, 1, "invalidValue");
  const r = resolveOrThrow(target.resource, parseAttrPath(sortBy, "invalidValue"), "invalidValue");
  const def = r.top.multiValued && !r.sub ? valueSub(r) : leaf(r);
  if (!def || def.type === "complex") {
    throw badRequest("invalidValue", `Cannot sort by "${r.key}": name one of its sub-attributes.`);
  }
  const collate = isText(def) ? ` COLLATE ${def.caseExact ? "BINARY" : "NOCASE"}` : "";
  if (r.top.multiValued) return `${c.firstValue(parentOf(r), def)}${collate}`;
  const src = c.source(r);
  // Every resource has the same value: nothing to sort by.
  return "constant" in src ? "NULL" : `${src.sql.sql}${collate}`;
}
