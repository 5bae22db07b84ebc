import { z } from "zod";
import { badRequest } from "./errors";

export const PATCH_OP_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:PatchOp";

/** RFC 7644 3.5.2 envelope. `Operations` is matched case-insensitively: some clients send `operations`. */
const envelope = z
  .object({ schemas: z.array(z.string()).optional() })
  .catchall(z.unknown())
  .superRefine((v, ctx) => {
    if (v.schemas && !v.schemas.some((s) => s.toLowerCase() === PATCH_OP_SCHEMA.toLowerCase())) {
      ctx.addIssue({ code: "custom", message: `schemas must contain "${PATCH_OP_SCHEMA}"` });
    }
  });

export function parsePatchBody(body: unknown): unknown[] {
  const parsed = envelope.safeParse(body);
  if (!parsed.success) throw badRequest("invalidSyntax", `Not a PatchOp request: ${parsed.error.issues.map((i) => i.message).join("; ")}.`);
  const key = Object.keys(parsed.data).find((k) => k.toLowerCase() === "operations");
  const ops = key ? parsed.data[key] : undefined;
  if (!Array.isArray(ops) || ops.length === 0) throw badRequest("invalidSyntax", "A PatchOp request needs a non-empty Operations array.");
  return ops;
}
