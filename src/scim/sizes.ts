import { badRequest } from "./errors";
import { MAX_STRING_CHARS, MAX_VALUES_PER_ATTRIBUTE } from "./limits";

/**
 * The size limits of a stored document (src/scim/limits.ts), checked on the document a write
 * would store, so POST, PUT, PATCH and the admin import are held to the same numbers. A group's
 * members are not in its document (they are rows of group_members), so they are not counted.
 */
export function checkSizes(doc: Record<string, unknown>): void {
  for (const [k, v] of Object.entries(doc)) walk(v, k, k.toLowerCase().startsWith("urn:") ? ":" : ".");
}

/** `sep` joins a child's name: `<urn>:<name>` inside an extension, `<name>.<sub>` elsewhere. */
function walk(value: unknown, path: string, sep: ":" | "." = "."): void {
  if (typeof value === "string") {
    if (value.length > MAX_STRING_CHARS) {
      throw badRequest(
        "invalidValue",
        `Attribute "${path}" has ${value.length} characters; the limit is ${MAX_STRING_CHARS}.`,
      );
    }
  } else if (Array.isArray(value)) {
    if (value.length > MAX_VALUES_PER_ATTRIBUTE) {
      throw badRequest(
        "invalidValue",
        `Attribute "${path}" has ${value.length} values; the limit is ${MAX_VALUES_PER_ATTRIBUTE}.`,
      );
    }
    for (const item of value) walk(item, path);
  } else if (value && typeof value === "object") {
    for (const [k, v] of Object.entries(value)) walk(v, `${path}${sep}${k}`);
  }
}
