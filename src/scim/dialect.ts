import { badRequest } from "./errors";
import { quote } from "./limits";
import { isPlainObject } from "./normalize";
import type { ResourceSchema } from "./schema/types";

/**
 * How strictly a tenant reads SCIM requests (tenant setting `dialect`):
 * - `entra` (default): what Entra and other real clients send is tolerated: attributes and
 *   extension URIs the tenant does not define are dropped and listed in the audit (P18), and a
 *   PATCH operation may carry its values without a `path` (Entra's own form).
 * - `strict`: draft-zollner-scim-interop-profile: those are refused with 400 `invalidSyntax`,
 *   and /ServiceProviderConfig says `interopProfileConformant: true`.
 */
export type Dialect = "entra" | "strict";

/** RFC 7643 3.1 common attributes: a client may send them back; they are never "unknown". */
const COMMON = new Set(["id", "meta", "schemas"]);

/** Attributes the request carried that the resource type does not define (`ignored`), refused in strict. */
export function refuseUnknownAttributes(dialect: Dialect, ignored: string[]): void {
  if (dialect !== "strict") return;
  const unknown = ignored.filter((p) => !COMMON.has(p.split(".")[0].toLowerCase()));
  if (unknown.length === 0) return;
  throw badRequest(
    "invalidSyntax",
    `Unknown attribute${unknown.length > 1 ? "s" : ""} ${unknown
      .slice(0, 10)
      .map((p) => `"${quote(p, 100)}"`)
      .join(", ")}: this tenant accepts only attributes its schemas define (see /Schemas).`,
  );
}

/** A `schemas` URI (or an extension URN used as a key) the resource type does not have, refused in strict. */
export function refuseUnknownSchemas(dialect: Dialect, body: unknown, resource: ResourceSchema): void {
  if (dialect !== "strict" || !isPlainObject(body)) return;
  const own = new Set([resource.core.id, ...resource.extensions.map((e) => e.id)].map((s) => s.toLowerCase()));
  const key = Object.keys(body).find((k) => k.toLowerCase() === "schemas");
  const listed = key !== undefined && Array.isArray(body[key]) ? (body[key] as unknown[]) : [];
  const unknown = listed.find((s) => typeof s === "string" && !own.has(s.toLowerCase()));
  if (typeof unknown === "string") {
    throw badRequest(
      "invalidSyntax",
      `"schemas" names "${quote(unknown, 200)}", which is not a schema of a ${resource.name} here (see /ResourceTypes).`,
    );
  }
}

/** RFC 7644 3.5.2 lets `path` be omitted; the interoperability profile asks for it on every operation. */
export function refusePathlessOperations(dialect: Dialect, ops: unknown[]): void {
  if (dialect !== "strict") return;
  const at = ops.findIndex((op) => !isPlainObject(op) || typeof pathOf(op) !== "string");
  if (at >= 0) {
    throw badRequest(
      "invalidSyntax",
      `Operation ${at} has no "path": this tenant asks every PATCH operation to name its target with a path.`,
    );
  }
}

const pathOf = (op: Record<string, unknown>) => op[Object.keys(op).find((k) => k.toLowerCase() === "path") ?? "path"];
