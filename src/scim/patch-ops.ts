import { ScimError, badRequest } from "./errors";
import type { PatchPath } from "./filter/ast";
import { parsePatchPath } from "./filter/parser";
import { isPlainObject } from "./normalize";

export type PatchOpName = "add" | "replace" | "remove";

/** One RFC 7644 3.5.2 operation, with its op name lower-cased and an empty path dropped. */
export interface PatchOp {
  op: PatchOpName;
  path?: string;
  /** Absent when the request had no `value` member (a remove, usually). */
  value?: unknown;
}

const OP_NAMES: readonly string[] = ["add", "replace", "remove"];

/** Members of an operation are matched case-insensitively: Entra's legacy form writes `"op": "Add"`. */
const member = (o: Record<string, unknown>, name: string) => {
  const key = Object.keys(o).find((k) => k.toLowerCase() === name);
  return key === undefined ? { present: false, value: undefined } : { present: true, value: o[key] };
};

/** Validates the `Operations` array of a PatchOp request (RFC 7644 3.5.2). */
export function readPatchOps(ops: unknown): PatchOp[] {
  if (!Array.isArray(ops)) throw badRequest("invalidSyntax", "Operations must be an array of PATCH operations.");
  if (ops.length === 0) throw badRequest("invalidSyntax", "Operations must hold at least one PATCH operation.");
  return ops.map((raw, i) => {
    if (!isPlainObject(raw)) throw badRequest("invalidSyntax", `Operations[${i}] must be an object.`);
    const opName = member(raw, "op").value;
    const op = typeof opName === "string" ? opName.trim().toLowerCase() : undefined;
    if (!op || !OP_NAMES.includes(op)) {
      throw badRequest(
        "invalidSyntax",
        `Operations[${i}].op must be "add", "replace" or "remove"; got ${JSON.stringify(opName ?? null)}.`,
      );
    }
    const path = member(raw, "path").value;
    if (path !== undefined && path !== null && typeof path !== "string") {
      throw badRequest("invalidPath", `Operations[${i}].path must be a string.`);
    }
    const value = member(raw, "value");
    const out: PatchOp = { op: op as PatchOpName };
    if (typeof path === "string" && path.trim() !== "") out.path = path.trim();
    if (value.present) out.value = value.value;
    // RFC 7644 3.5.2.2: a remove without a path has no target.
    if (op === "remove" && out.path === undefined)
      throw badRequest("noTarget", `Operations[${i}]: "remove" needs a path.`);
    if (op !== "remove" && !value.present)
      throw badRequest("invalidSyntax", `Operations[${i}]: "${op}" needs a value.`);
    return out;
  });
}

/** Parses a PATCH path; any failure of the parser is the client's invalidPath (RFC 7644 3.12). */
export function parsePath(text: string): PatchPath {
  try {
    return parsePatchPath(text);
  } catch (e) {
    const why = e instanceof ScimError ? e.detail : e instanceof Error ? e.message : String(e);
    throw badRequest("invalidPath", `Invalid path "${text}": ${why}`);
  }
}
