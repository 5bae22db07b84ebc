import { badRequest, type ScimType } from "../errors";
import { formatRef, leaf, type ResolvedAttr, resolveOrThrow, resolveSub } from "../resolve";
import type { AttrDef } from "../schema/types";
import type { Filter } from "./ast";
import { compareScalar, type Operand, type PositiveOp, toOperand } from "./compare";
import { valueSub } from "./evaluate";
import { atom, balanced, binary, call, collate, column, type Expr, not, subquery } from "./sql-expr";
import type { SideTable, SqlTarget } from "./sql-target";

/**
 * The filter compiler's workings: each node of a parsed filter becomes an SQL expression over
 * the resource's columns, its JSON document and its side tables. The entry points and the
 * limits they apply are in sql.ts.
 */

export type SqlParam = string | number | null;

type Leaf = Extract<Filter, { kind: "compare" | "present" }>;
/** Where a single value lives: an SQL expression, or a value every resource of the type has. */
type Source = { sql: Expr; present?: Expr } | { constant: string };
/** Inside a value filter names resolve against `parent`, and `source` says where each sub-attribute is read. */
interface ElementScope {
  parent: ResolvedAttr;
  source: (r: ResolvedAttr) => Source;
}

const SQL_OP: Record<Exclude<PositiveOp, "co" | "sw" | "ew">, string> = {
  eq: "=",
  gt: ">",
  ge: ">=",
  lt: "<",
  le: "<=",
};
/** Document keys come from schema definitions, never from the request; checked so they can sit inside '...'. */
const SAFE_JSON_KEY = /^[A-Za-z0-9$:._-]+$/;

export const isText = (def: AttrDef) => def.type === "string" || def.type === "reference" || def.type === "binary";
const negate = (x: Expr) => not(call("COALESCE", x, atom("0")));

function jsonPath(keys: string[]): string {
  for (const k of keys) if (!SAFE_JSON_KEY.test(k)) throw new Error(`Unexpected document key ${JSON.stringify(k)}.`);
  return "$" + keys.map((k) => `."${k}"`).join("");
}

/** `emails.value` -> `emails`. */
export function parentOf(r: ResolvedAttr): ResolvedAttr {
  if (!r.sub) return r;
  return { ...r, sub: undefined, docPath: r.docPath.slice(0, -1), key: r.key.slice(0, r.key.lastIndexOf(".")) };
}

/** The operands of a chain of one operator, in order: `a or (b or c) or d` -> [a, b, c, d]. */
function chain(f: Extract<Filter, { kind: "and" | "or" }>): Filter[] {
  const out: Filter[] = [];
  const stack: Filter[] = [f];
  while (stack.length) {
    const x = stack.pop() as Filter;
    if (x.kind === f.kind) stack.push(x.right, x.left);
    else out.push(x);
  }
  return out;
}

export class Compiler {
  readonly params: SqlParam[] = [];
  terms = 0;

  constructor(
    private readonly target: SqlTarget,
    private readonly firstParam: number,
    private readonly scimType: ScimType,
  ) {}

  private invalid(detail: string) {
    return badRequest(this.scimType, detail);
  }

  private bind(v: string | number): Expr {
    let k = this.params.indexOf(v);
    if (k < 0) k = this.params.push(v) - 1;
    return atom(`?${this.firstParam + k}`);
  }

  node(f: Filter, scope?: ElementScope): Expr {
    switch (f.kind) {
      case "and":
      case "or":
        // A balanced tree: D1 counts the depth of the SQL expression, and a chain nests one level per term.
        return balanced(
          f.kind === "and" ? "AND" : "OR",
          chain(f).map((x) => this.node(x, scope)),
        );
      case "not":
        // RFC 7644: `not (x eq y)` matches when x is absent; COALESCE keeps SQL NULL from dropping those rows.
        return negate(this.node(f.filter, scope));
      case "valuePath":
        if (scope)
          throw this.invalid(`Value filters cannot be nested: "${formatRef(f.attr)}" inside "${scope.parent.key}".`);
        return this.valuePath(f);
      default:
        return scope ? this.elementLeaf(f, scope) : this.resourceLeaf(f);
    }
  }

  private valuePath(f: Extract<Filter, { kind: "valuePath" }>): Expr {
    const r = resolveOrThrow(this.target.resource, f.attr, this.scimType);
    if (r.sub || r.top.type !== "complex") {
      throw this.invalid(`"${formatRef(f.attr)}" is not a complex attribute: it takes no value filter.`);
    }
    if (r.top.multiValued) return this.elements(r, f.filter);
    // Single-valued: `name[givenName eq "x"]` is `name.givenName eq "x"`.
    return this.node(f.filter, { parent: r, source: (sub) => this.source(sub) });
  }

  private resourceLeaf(f: Leaf): Expr {
    const r = resolveOrThrow(this.target.resource, f.attr, this.scimType);
    if (!r.top.multiValued) return this.scalar(f, this.source(r), leaf(r), r.key);
    const parent = parentOf(r);
    if (!r.sub && f.kind === "present") return this.elements(parent);
    // `emails co "x"` means `emails.value co "x"`.
    const sub = r.sub ?? valueSub(r);
    if (!sub) throw this.invalid(`"${r.key}" is complex: name one of its sub-attributes.`);
    const inner = { ...f, attr: { names: [sub.name] } };
    // Absence and `ne` apply to the attribute as a whole: `emails.value ne "x"` = no email is "x".
    if (inner.kind === "compare" && inner.value === null) {
      if (inner.op !== "eq" && inner.op !== "ne")
        throw this.invalid(`"${r.key}": null can only be compared with eq or ne.`);
      const any = this.elements(parent, { kind: "present", attr: inner.attr });
      return inner.op === "ne" ? any : negate(any);
    }
    if (inner.kind === "compare" && inner.op === "ne") return negate(this.elements(parent, { ...inner, op: "eq" }));
    return this.elements(parent, inner);
  }

  private elementLeaf(f: Leaf, scope: ElementScope): Expr {
    const r = resolveSub(scope.parent, f.attr);
    if (!r?.sub)
      throw this.invalid(`Unknown attribute "${formatRef(f.attr)}" in the value filter of "${scope.parent.key}".`);
    return this.scalar(f, scope.source(r), r.sub, r.key);
  }

  /** Resources with an element of a multi-valued attribute matching `inner` (or any element). */
  private elements(parent: ResolvedAttr, inner?: Filter): Expr {
    const side = this.sideTable(parent, inner);
    if (side) {
      const where = inner && this.node(inner, { parent, source: (r) => ({ sql: column(`s.${sideColumn(side, r)}`) }) });
      const owner = column(`s.${side.owner}`);
      // `id IN (SELECT owner ...)` lets SQLite drive the lookup from the side table's value index.
      return subquery(`${this.target.idColumn} IN (SELECT ${owner.sql} FROM ${side.table} s${whereSql(where)})`, {
        left: column(this.target.idColumn),
        select: [owner],
        where,
      });
    }
    const doc = column(this.doc(parent));
    const source = (r: ResolvedAttr): Source => ({
      sql: call("json_extract", column("j.value"), atom(`'${jsonPath([(r.sub as AttrDef).name])}'`)),
    });
    const where = inner && this.node(inner, { parent, source });
    const from = call("json_each", doc, atom(`'${jsonPath(parent.docPath)}'`));
    return subquery(`EXISTS (SELECT 1 FROM ${from.sql} j${whereSql(where)})`, {
      select: [atom("1")],
      from: [from],
      where,
    });
  }

  /** The side table, if it has a column for every sub-attribute `inner` names. */
  private sideTable(parent: ResolvedAttr, inner?: Filter): SideTable | undefined {
    const side = parent.extension ? undefined : this.target.sideTables?.[parent.key];
    if (!side) return undefined;
    const covered = (f: Filter): boolean => {
      switch (f.kind) {
        case "and":
        case "or":
          return chain(f).every(covered);
        case "not":
          return covered(f.filter);
        case "valuePath":
          return true; // rejected when compiled
        default: {
          const r = resolveSub(parent, f.attr);
          return !r?.sub || sideColumn(side, r) !== undefined;
        }
      }
    };
    return !inner || covered(inner) ? side : undefined;
  }

  /** Where a single-valued attribute is read: a constant, a column, or the document. */
  source(r: ResolvedAttr): Source {
    if (!r.extension) {
      const constant = this.target.constants?.[r.key];
      if (constant !== undefined) return { constant };
      const col = this.target.columns[r.key];
      if (col) return { sql: column(col) };
    }
    // Common attributes (id, externalId, meta) are kept in columns only, never in the document.
    if (!r.schema) throw this.invalid(`"${r.key}" cannot be used here.`);
    const doc = column(this.doc(r));
    const path = atom(`'${jsonPath(r.docPath)}'`);
    const sql = call("json_extract", doc, path);
    if (leaf(r).type !== "complex") return { sql };
    const from = call("json_each", doc, path);
    const where = binary(call("COALESCE", column("j.value"), atom("''")), "<>", atom("''"));
    return {
      sql,
      present: subquery(`EXISTS (SELECT 1 FROM ${from.sql} j WHERE ${where.sql})`, {
        select: [atom("1")],
        from: [from],
        where,
      }),
    };
  }

  /** The value of a multi-valued attribute's primary element, else its first (RFC 7644 section 3.4.2.3). */
  firstValue(parent: ResolvedAttr, sub: AttrDef): string {
    const hasPrimary = parent.top.subAttributes?.some((s) => s.name === "primary");
    const side = parent.extension ? undefined : this.target.sideTables?.[parent.key];
    const col = side?.columns[sub.name.toLowerCase()];
    if (side && col) {
      const primary = side.columns.primary;
      const order = primary && hasPrimary ? `s.${primary} DESC, s.rowid` : "s.rowid";
      return `(SELECT s.${col} FROM ${side.table} s WHERE s.${side.owner} = ${this.target.idColumn} ORDER BY ${order} LIMIT 1)`;
    }
    const order = hasPrimary ? `json_extract(j.value, '$."primary"') DESC, j.key` : "j.key";
    return `(SELECT json_extract(j.value, '${jsonPath([sub.name])}') FROM json_each(${this.doc(parent)}, '${jsonPath(parent.docPath)}') j ORDER BY ${order} LIMIT 1)`;
  }

  private doc(r: ResolvedAttr): string {
    if (!this.target.doc) throw this.invalid(`"${r.key}" cannot be used here.`);
    return this.target.doc;
  }

  private scalar(f: Leaf, src: Source, def: AttrDef, name: string): Expr {
    this.terms++;
    const present = () =>
      "constant" in src
        ? atom(src.constant !== "" ? "1" : "0")
        : (src.present ?? binary(call("COALESCE", src.sql, atom("''")), "<>", atom("''")));
    if (f.kind === "present") return present();
    if (f.value === null) {
      // RFC 7643 section 2.5: null is the same as absent.
      if (f.op === "eq") return negate(present());
      if (f.op === "ne") return present();
      throw this.invalid(`"${name}": null can only be compared with eq or ne.`);
    }
    if (f.op === "ne") return negate(this.scalar({ ...f, op: "eq" }, src, def, name));
    const operand = toOperand(def, f.op, f.value, name);
    if ("constant" in src) return atom(compareScalar(operand, f.op, src.constant) ? "1" : "0");
    return this.comparison(src.sql, f.op, operand);
  }

  private comparison(x: Expr, op: PositiveOp, operand: Operand): Expr {
    switch (operand.type) {
      case "boolean":
        return binary(x, "=", this.bind(operand.value ? 1 : 0));
      case "number":
      case "instant":
        // Instants are stored as Date.toISOString() text, which sorts in time order.
        return binary(x, SQL_OP[op as keyof typeof SQL_OP], this.bind(operand.value));
      case "string": {
        const p = this.bind(operand.value);
        const collation = operand.caseExact ? "BINARY" : "NOCASE";
        // No LIKE: D1 rejects LIKE patterns over 50 bytes. lower() folds ASCII only, like NOCASE.
        const [hay, needle] = operand.caseExact ? [x, p] : [call("lower", x), call("lower", p)];
        if (op === "co") return binary(call("instr", hay, needle), ">", atom("0"));
        if (op === "sw") return binary(call("instr", hay, needle), "=", atom("1"));
        if (op === "ew") {
          const from = binary(binary(call("length", x), "-", call("length", p)), "+", atom("1"));
          return binary(call("substr", x, from), "=", collate(p, collation));
        }
        // `column = ? COLLATE NOCASE` on a NOCASE column is what lets SQLite use its index.
        return binary(x, SQL_OP[op], collate(p, collation));
      }
    }
  }
}

const whereSql = (where: Expr | undefined) => (where ? ` WHERE ${where.sql}` : "");

function sideColumn(side: SideTable, r: ResolvedAttr): string | undefined {
  return r.sub ? side.columns[r.sub.name.toLowerCase()] : undefined;
}
