import { badRequest } from "./errors";
import { quote } from "./limits";
import { isPlainObject } from "./normalize";
import { CUSTOM_SCHEMA } from "./schema/custom";
import { GROUP_SCHEMA } from "./schema/group";
import type { ResourceSchema } from "./schema/types";
import { ENTERPRISE_SCHEMA, USER_SCHEMA } from "./schema/user";

/**
 * RFC 7643 section 3 / RFC 7644 3.3: the `schemas` of a resource body. What is refused (400
 * invalidSyntax): `schemas` that is not a non-empty array of strings; a list without the
 * resource's core URN (`["urn:evil:schema"]`, the Group URN on /Users); a URN that belongs to
 * another resource type or message (`...:core:2.0:Group` or the PatchOp URN beside the User URN,
 * the enterprise User extension on a Group). What is still accepted, because real clients send
 * it: a body without `schemas` (its attributes are checked against the endpoint's type all the
 * same); extension URNs the tenant does not define (their attributes are dropped and audited,
 * P18); URIs outside the SCIM namespace, such as the
 * `http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group` Entra's Create
 * Group sends.
 */
export function checkResourceSchemas(body: unknown, resource: ResourceSchema): void {
  if (!isPlainObject(body)) return; // normalizeResource refuses it with its own message
  const key = Object.keys(body).find((k) => k.toLowerCase() === "schemas");
  if (key === undefined) return;
  const list = schemaList(body[key]);
  const lower = list.map((s) => s.toLowerCase());
  if (!lower.includes(resource.core.id.toLowerCase())) {
    throw badRequest(
      "invalidSyntax",
      `"schemas" must contain "${resource.core.id}" for a ${resource.name}; got ${shown(list)}.`,
    );
  }
  const own = new Set([resource.core.id, ...resource.extensions.map((e) => e.id)].map((s) => s.toLowerCase()));
  const wrong = list.find((s) => !own.has(s.toLowerCase()) && isForeign(s));
  if (wrong)
    throw badRequest(
      "invalidSyntax",
      `"schemas" names "${quote(wrong)}", which is not a schema of a ${resource.name}.`,
    );
}

/** RFC 7644 3.5.2: a PATCH body MUST carry the PatchOp URN in `schemas`. */
export function checkPatchSchemas(body: Record<string, unknown>, patchOpUrn: string): void {
  const key = Object.keys(body).find((k) => k.toLowerCase() === "schemas");
  if (key === undefined)
    throw badRequest("invalidSyntax", `Not a PatchOp request: "schemas" must contain "${patchOpUrn}".`);
  const list = schemaList(body[key]);
  if (!list.some((s) => s.toLowerCase() === patchOpUrn.toLowerCase())) {
    throw badRequest(
      "invalidSyntax",
      `Not a PatchOp request: "schemas" must contain "${patchOpUrn}"; got ${shown(list)}.`,
    );
  }
}

/** Every schema this service knows, by resource; a URN of another resource type is "foreign". */
const KNOWN = [USER_SCHEMA, ENTERPRISE_SCHEMA, CUSTOM_SCHEMA, GROUP_SCHEMA].map((s) => s.toLowerCase());
const SCIM_NAMESPACE = "urn:ietf:params:scim:";
const EXTENSIONS = "urn:ietf:params:scim:schemas:extension:";

/** Known schemas of other types, core schemas and API messages; unknown extensions and other URIs are not. */
function isForeign(urn: string): boolean {
  const s = urn.toLowerCase();
  return KNOWN.includes(s) || (s.startsWith(SCIM_NAMESPACE) && !s.startsWith(EXTENSIONS));
}

function schemaList(value: unknown): string[] {
  if (!Array.isArray(value) || value.length === 0 || value.some((s) => typeof s !== "string" || s.trim() === "")) {
    throw badRequest(
      "invalidSyntax",
      `"schemas" must be a non-empty array of schema URIs; got ${quote(JSON.stringify(value) ?? "undefined")}.`,
    );
  }
  return value as string[];
}

const shown = (list: string[]) => quote(JSON.stringify(list));
