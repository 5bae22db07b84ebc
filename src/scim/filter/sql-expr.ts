/**
 * SQL text built together with the depth SQLite will give it, so that a filter can be refused
 * with a clear 400 before D1 refuses it with a 500 ("Expression tree is too large (maximum depth
 * 100)": D1 builds SQLite with SQLITE_MAX_EXPR_DEPTH 100, not the default 1000).
 *
 * SQLite (expr.c, exprSetHeight) gives every expression node the height 1 + its tallest child
 * (a subquery counts with its WHERE and result columns); parentheses add no node. While resolving
 * names (resolve.c) it ADDS the height of each WHERE root it enters to that of the enclosing
 * one, so a subquery costs its own WHERE's height on top of the outer expression's. `nest` keeps
 * that extra cost. test/unit/filter-depth.test.ts checks this model against D1 itself.
 */
export interface Expr {
  sql: string;
  /** Height of the expression tree (sqlite3 Expr.nHeight). */
  h: number;
  /** What resolving the subqueries inside adds on top of the enclosing WHERE's height. */
  nest: number;
}

const tallest = (xs: Expr[]) => Math.max(0, ...xs.map((x) => x.h));
const deepest = (xs: Expr[]) => Math.max(0, ...xs.map((x) => x.nest));

/** A literal, a parameter or a bare name: one node. */
export const atom = (sql: string): Expr => ({ sql, h: 1, nest: 0 });

/** `u.user_name`: a dotted name is a TK_DOT node over two names. */
export const column = (sql: string): Expr => ({ sql, h: sql.includes(".") ? 2 : 1, nest: 0 });

/** `f(a, b)`. */
export const call = (name: string, ...args: Expr[]): Expr => ({
  sql: `${name}(${args.map((a) => a.sql).join(", ")})`,
  h: 1 + tallest(args),
  nest: deepest(args),
});

/** `a op b`, parenthesised when `paren` (parentheses cost nothing in SQLite's tree). */
export const binary = (left: Expr, op: string, right: Expr, paren = false): Expr => {
  const sql = `${left.sql} ${op} ${right.sql}`;
  return { sql: paren ? `(${sql})` : sql, h: 1 + tallest([left, right]), nest: deepest([left, right]) };
};

export const collate = (x: Expr, collation: string): Expr => ({
  sql: `${x.sql} COLLATE ${collation}`,
  h: x.h + 1,
  nest: x.nest,
});

export const not = (x: Expr): Expr => ({ sql: `NOT ${x.sql}`, h: x.h + 1, nest: x.nest });

/**
 * A node holding a subquery (`x IN (SELECT ...)`, `EXISTS (...)`, `(SELECT ...)`), written as
 * `sql`. Its height counts `left`, the result columns and the WHERE; table-valued function
 * arguments in FROM are only resolved (they add to `nest`, not to the height).
 */
export function subquery(sql: string, p: { left?: Expr; select: Expr[]; from?: Expr[]; where?: Expr }): Expr {
  const inner = [...p.select, ...(p.where ? [p.where] : [])];
  const resolved = [...inner, ...(p.from ?? [])];
  return {
    sql,
    h: 1 + tallest([...inner, ...(p.left ? [p.left] : [])]),
    nest: Math.max(p.left?.nest ?? 0, ...resolved.map((x) => x.h + x.nest)),
  };
}

/**
 * What D1 spends on a filter in the costliest list statement: the Users page carries its count
 * as a subquery whose WHERE is the filter again (users/repo.ts), so the filter's height counts
 * twice, plus one for that subquery node, plus its own subqueries.
 */
export const listDepth = (where: Expr) => 2 * where.h + 1 + where.nest;

/** `x1 op x2 op ...` as a balanced tree: n terms cost log2(n) levels instead of n. */
export function balanced(op: "AND" | "OR", xs: Expr[]): Expr {
  if (xs.length === 1) return xs[0];
  const mid = Math.ceil(xs.length / 2);
  return binary(balanced(op, xs.slice(0, mid)), op, balanced(op, xs.slice(mid)), true);
}
