import { badRequest } from "../errors";
import type { AttrDef } from "../schema/types";
import type { CompareOp, Literal } from "./ast";

/** A filter literal checked against the attribute's type (RFC 7644 section 3.4.2.2), shared by SQL and in-memory matching. */
export type Operand =
  | { type: "string"; value: string; caseExact: boolean }
  | { type: "number"; value: number }
  | { type: "boolean"; value: boolean }
  /** dateTime compared by instant; `value` is the stored ISO form (`Date.toISOString()`). */
  | { type: "instant"; value: string; ms: number };

/** Operators left after `ne` and `null` are rewritten in terms of `eq` and presence. */
export type PositiveOp = Exclude<CompareOp, "ne">;

const invalid = (detail: string) => badRequest("invalidFilter", detail);
const SUBSTRING_OPS = new Set<CompareOp>(["co", "sw", "ew"]);

export function toOperand(def: AttrDef, op: PositiveOp, value: Exclude<Literal, null>, name: string): Operand {
  switch (def.type) {
    case "complex":
      throw invalid(`"${name}" is complex: compare one of its sub-attributes, e.g. ${name}.value.`);
    case "boolean": {
      if (op !== "eq") throw invalid(`"${name}" is a boolean: only eq, ne and pr apply.`);
      const b = toBoolean(value);
      if (b === undefined)
        throw invalid(`"${name}" is a boolean: expected true or false, found ${JSON.stringify(value)}.`);
      return { type: "boolean", value: b };
    }
    case "integer":
    case "decimal": {
      if (SUBSTRING_OPS.has(op)) throw invalid(`"${name}" is a number: ${op} does not apply.`);
      const n = typeof value === "number" ? value : typeof value === "string" && value.trim() ? Number(value) : NaN;
      if (!Number.isFinite(n)) throw invalid(`"${name}" is a number: found ${JSON.stringify(value)}.`);
      return { type: "number", value: n };
    }
    case "dateTime": {
      // co/sw/ew on a timestamp only make sense on its text.
      if (SUBSTRING_OPS.has(op)) return { type: "string", value: String(value), caseExact: false };
      const ms = typeof value === "string" ? parseInstant(value) : NaN;
      if (Number.isNaN(ms))
        throw invalid(`"${name}" is a dateTime: expected an xsd:dateTime, found ${JSON.stringify(value)}.`);
      return { type: "instant", value: new Date(ms).toISOString(), ms };
    }
    default:
      // string, reference, binary. Unquoted numbers and booleans are kept as their text.
      return { type: "string", value: String(value), caseExact: def.caseExact };
  }
}

/** Entra sends booleans as "True"/"False" strings in places; accept either form. */
export function toBoolean(v: unknown): boolean | undefined {
  if (typeof v === "boolean") return v;
  if (typeof v === "string") {
    const lower = v.toLowerCase();
    if (lower === "true") return true;
    if (lower === "false") return false;
  }
  return undefined;
}

/**
 * Date.parse rejects more than 3 fractional digits on some engines, and .NET clients send 7
 * (`2015-10-10T14:38:21.8617979-07:00`); the instant is kept at millisecond precision.
 */
export function parseInstant(text: string): number {
  if (!/^\d{4}-\d{2}-\d{2}(T|$)/.test(text)) return NaN;
  return Date.parse(text.replace(/(\.\d{3})\d+/, "$1"));
}

/**
 * SQLite's NOCASE and lower() fold ASCII letters only; matching in memory folds the same way
 * so that a PATCH value filter and a GET filter agree on which values are equal.
 */
export const foldAscii = (s: string) => s.replace(/[A-Z]/g, (c) => c.toLowerCase());

/** Whether one stored value satisfies `op operand`. Absent values never do. */
export function compareScalar(operand: Operand, op: PositiveOp, actual: unknown): boolean {
  if (actual === undefined || actual === null) return false;
  switch (operand.type) {
    case "boolean":
      return toBoolean(actual) === operand.value;
    case "number": {
      const n =
        typeof actual === "number" ? actual : typeof actual === "string" && actual.trim() ? Number(actual) : NaN;
      return !Number.isNaN(n) && order(op, n, operand.value);
    }
    case "instant": {
      const ms = typeof actual === "string" ? parseInstant(actual) : NaN;
      return !Number.isNaN(ms) && order(op, ms, operand.ms);
    }
    case "string": {
      if (typeof actual === "object") return false;
      const fold = operand.caseExact ? (s: string) => s : foldAscii;
      const a = fold(String(actual));
      const b = fold(operand.value);
      if (op === "co") return a.includes(b);
      if (op === "sw") return a.startsWith(b);
      if (op === "ew") return a.endsWith(b);
      return order(op, a, b);
    }
  }
}

function order<T extends number | string>(op: PositiveOp, a: T, b: T): boolean {
  switch (op) {
    case "eq":
      return a === b;
    case "gt":
      return a > b;
    case "ge":
      return a >= b;
    case "lt":
      return a < b;
    case "le":
      return a <= b;
    default:
      return false;
  }
}

/** RFC 7644 `pr`: a value that is not null, not empty, and for complex values has some sub-attribute present. */
export function isPresent(v: unknown): boolean {
  if (v === undefined || v === null || v === "") return false;
  if (Array.isArray(v)) return v.some(isPresent);
  if (typeof v === "object") return Object.values(v).some(isPresent);
  return true;
}
