import { badRequest } from "./errors";
import { isPlainObject } from "./normalize";
import { checkPatchSchemas } from "./schemas-attr";

export const PATCH_OP_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:PatchOp";

/**
 * RFC 7644 3.5.2 envelope: `schemas` with the PatchOp URN (required) and a non-empty
 * `Operations` array, matched case-insensitively: some clients send `operations`.
 */
export function parsePatchBody(body: unknown): unknown[] {
  if (!isPlainObject(body)) throw badRequest("invalidSyntax", "Not a PatchOp request: the body must be a JSON object.");
  checkPatchSchemas(body, PATCH_OP_SCHEMA);
  const key = Object.keys(body).find((k) => k.toLowerCase() === "operations");
  const ops = key ? body[key] : undefined;
  if (!Array.isArray(ops) || ops.length === 0)
    throw badRequest("invalidSyntax", "A PatchOp request needs a non-empty Operations array.");
  return ops;
}
