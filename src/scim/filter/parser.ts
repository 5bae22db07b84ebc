import { badRequest, type ScimType } from "../errors";
import type { AttrRef, CompareOp, Filter, Literal, PatchPath } from "./ast";
import { describe, type Token, tokenize } from "./lexer";

/** Longest filter or path accepted; a query string of this size is already unusual. */
export const MAX_FILTER_LENGTH = 10_000;
/**
 * Deepest nesting of parentheses, `not` and value paths; bounds the parser's recursion. No filter
 * nested deeper can run on D1 anyway (its expression depth limit, see MAX_FILTER_SQL_DEPTH in
 * sql.ts): measured in test/unit/filter-depth.test.ts, the deepest that fits is 45 alternating
 * and/or levels (22 `not (` levels, 44 here). Redundant parentheses cost D1 nothing but are refused
 * here beyond this depth too.
 */
export const MAX_FILTER_DEPTH = 50;

const COMPARE_OPS = new Set<string>(["eq", "ne", "co", "sw", "ew", "gt", "ge", "lt", "le"]);
/** RFC 7643 section 2.1 ATTRNAME, plus `$ref` (RFC 7643 section 2.3.7). */
const ATTR_NAME = /^(\$ref|[A-Za-z][A-Za-z0-9_-]*)$/;
const URI = /^[A-Za-z][A-Za-z0-9+.-]*:\S*$/;
/** RFC 7159 number; anything else unquoted is taken as a string. */
const NUMBER = /^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?$/;

/** Parses a `filter` query parameter (RFC 7644 section 3.4.2.2). Errors are invalidFilter. */
export function parseFilter(text: string): Filter {
  const p = new Parser(text, "invalidFilter");
  const filter = p.or(0, false);
  p.expectEnd('"and", "or"');
  return filter;
}

/** Parses a PATCH operation `path` (RFC 7644 section 3.5.2). Errors are invalidPath. */
export function parsePatchPath(text: string): PatchPath {
  const p = new Parser(text, "invalidPath");
  const path: PatchPath = { attr: p.attrRef(p.next()) };
  if (p.peek().kind === "[") {
    p.next();
    path.filter = p.or(1, true);
    p.expect("]");
    const sub = p.peek();
    if (sub.kind === "word" && sub.text.startsWith(".")) {
      p.next();
      const name = sub.text.slice(1);
      if (!ATTR_NAME.test(name)) throw p.error("a sub-attribute name after the value filter", sub);
      path.sub = name;
    }
  }
  p.expectEnd(path.filter ? '"." and a sub-attribute' : '"["');
  return path;
}

/** Parses a bare attribute path such as a `sortBy` value: `name.familyName`, `urn:...:User:department`. */
export function parseAttrPath(text: string, scimType: ScimType): AttrRef {
  const p = new Parser(text, scimType);
  const ref = p.attrRef(p.next());
  p.expectEnd("nothing more");
  return ref;
}

class Parser {
  private readonly tokens: Token[];
  private i = 0;

  constructor(
    text: string,
    private readonly scimType: ScimType,
  ) {
    if (text.length > MAX_FILTER_LENGTH) {
      throw badRequest(scimType, `${this.label()} is longer than ${MAX_FILTER_LENGTH} characters.`);
    }
    this.tokens = tokenize(text, scimType);
    if (this.tokens.length === 1) throw badRequest(scimType, `${this.label()} is empty.`);
  }

  peek = (): Token => this.tokens[this.i];
  next = (): Token => this.tokens[Math.min(this.i++, this.tokens.length - 1)];

  private label(): string {
    return this.scimType === "invalidFilter" ? "Filter" : this.scimType === "invalidPath" ? "Path" : "Value";
  }

  error(expected: string, token: Token) {
    return badRequest(
      this.scimType,
      `${this.label()} position ${token.pos}: expected ${expected}, found ${describe(token)}.`,
    );
  }

  expect(kind: "(" | ")" | "[" | "]") {
    const t = this.next();
    if (t.kind !== kind) throw this.error(`"${kind}"`, t);
  }

  expectEnd(alternatives: string) {
    const t = this.peek();
    if (t.kind !== "end") throw this.error(`${alternatives} or the end of the input`, t);
  }

  /** RFC 7644 precedence: `not` binds tighter than `and`, which binds tighter than `or`. */
  or(depth: number, inValuePath: boolean): Filter {
    let left = this.and(depth, inValuePath);
    while (this.isKeyword("or")) {
      this.next();
      left = { kind: "or", left, right: this.and(depth, inValuePath) };
    }
    return left;
  }

  private and(depth: number, inValuePath: boolean): Filter {
    let left = this.unary(depth, inValuePath);
    while (this.isKeyword("and")) {
      this.next();
      left = { kind: "and", left, right: this.unary(depth, inValuePath) };
    }
    return left;
  }

  private unary(depth: number, inValuePath: boolean): Filter {
    if (!this.isKeyword("not")) return this.primary(depth, inValuePath);
    const not = this.next();
    this.checkDepth(depth + 1, not);
    return { kind: "not", filter: this.unary(depth + 1, inValuePath) };
  }

  private primary(depth: number, inValuePath: boolean): Filter {
    const t = this.next();
    if (t.kind === "(") {
      this.checkDepth(depth + 1, t);
      const inner = this.or(depth + 1, inValuePath);
      this.expect(")");
      return inner;
    }
    if (t.kind !== "word" || /^(and|or)$/i.test(t.text)) throw this.error('an attribute name, "(" or "not"', t);
    const attr = this.attrRef(t);
    if (this.peek().kind === "[") {
      const op = this.next();
      // RFC 7644 valFilter: a value path cannot contain another value path.
      if (inValuePath) throw this.error("a comparison inside the value filter, not a nested one", op);
      this.checkDepth(depth + 1, op);
      const filter = this.or(depth + 1, true);
      this.expect("]");
      return this.subAttributeCompare(attr, filter) ?? { kind: "valuePath", attr, filter };
    }
    return this.comparison(attr, inValuePath);
  }

  /** The operator and value after an attribute path. */
  private comparison(attr: AttrRef, inValuePath: boolean): Filter {
    const op = this.next();
    const name = op.kind === "word" ? op.text.toLowerCase() : "";
    if (name === "pr") return { kind: "present", attr };
    if (!COMPARE_OPS.has(name)) {
      throw this.error(`an operator (eq, ne, co, sw, ew, gt, ge, lt, le, pr)${inValuePath ? "" : ' or "["'}`, op);
    }
    return { kind: "compare", attr, op: name as CompareOp, value: this.literal() };
  }

  /**
   * `emails[type eq "work"].value eq "x"`, Entra's lookup when the matching attribute is the work
   * email. RFC 7644's filter grammar has no sub-attribute after a value filter (only PATCH paths
   * do); it is read as the element filter `emails[type eq "work" and value eq "x"]`.
   */
  private subAttributeCompare(attr: AttrRef, filter: Filter): Filter | undefined {
    const t = this.peek();
    if (t.kind !== "word" || !t.text.startsWith(".")) return undefined;
    this.next();
    const name = t.text.slice(1);
    if (!ATTR_NAME.test(name)) throw this.error("a sub-attribute name after the value filter", t);
    const compare = this.comparison({ names: [name] }, true);
    return { kind: "valuePath", attr, filter: { kind: "and", left: filter, right: compare } };
  }

  attrRef(t: Token): AttrRef {
    if (t.kind !== "word") throw this.error("an attribute name", t);
    // The URN is everything up to the last colon: `urn:...:enterprise:2.0:User:manager.value`.
    const colon = t.text.lastIndexOf(":");
    const uri = colon >= 0 ? t.text.slice(0, colon) : undefined;
    const names = t.text.slice(colon + 1).split(".");
    const valid = (uri === undefined || URI.test(uri)) && names.length <= 2 && names.every((n) => ATTR_NAME.test(n));
    if (!valid) throw this.error("an attribute name such as name.familyName or urn:...:User:department", t);
    return uri === undefined ? { names } : { uri, names };
  }

  /** A JSON value, or a bare word taken as a string (tolerated for clients that do not quote). */
  private literal(): Literal {
    const t = this.next();
    if (t.kind === "string") return t.value as string;
    if (t.kind !== "word") throw this.error("a value (string, number, true, false or null)", t);
    const lower = t.text.toLowerCase();
    if (lower === "true") return true;
    if (lower === "false") return false;
    if (lower === "null") return null;
    // A number whose text would not survive the round trip (`1.50`, `1e3`) stays text, so that a
    // string attribute compares it as written; numeric attributes convert it back.
    return NUMBER.test(t.text) && String(Number(t.text)) === t.text ? Number(t.text) : t.text;
  }

  private isKeyword(word: string): boolean {
    const t = this.peek();
    return t.kind === "word" && t.text.toLowerCase() === word;
  }

  private checkDepth(depth: number, at: Token) {
    if (depth > MAX_FILTER_DEPTH) {
      throw badRequest(
        this.scimType,
        `${this.label()} position ${at.pos}: nested deeper than ${MAX_FILTER_DEPTH} levels.`,
      );
    }
  }
}
