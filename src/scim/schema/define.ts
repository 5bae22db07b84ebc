import type { AttrDef, AttrType } from "./types";

/**
 * Shorthand for attribute definitions: RFC 7643 defaults (single-valued, optional,
 * case-insensitive, readWrite, returned by default, not unique) unless overridden.
 */
export function attr(name: string, type: AttrType, description: string, over: Partial<AttrDef> = {}): AttrDef {
  return {
    name,
    type,
    multiValued: false,
    description,
    required: false,
    caseExact: false,
    mutability: "readWrite",
    returned: "default",
    uniqueness: "none",
    ...over,
  };
}

export const str = (name: string, description: string, over: Partial<AttrDef> = {}) =>
  attr(name, "string", description, over);

/** The multi-valued complex shape shared by emails, phoneNumbers, ims, photos, ... (RFC 7643 2.4). */
export function multiValued(
  name: string,
  description: string,
  valueType: AttrType,
  types: string[],
  over: { required?: boolean; value?: Partial<AttrDef> } = {},
): AttrDef {
  return attr(name, "complex", description, {
    multiValued: true,
    required: over.required ?? false,
    subAttributes: [
      attr("value", valueType, `The value of ${name}.`, over.value),
      str("display", "A human-readable name, primarily used for display purposes."),
      str("type", "A label indicating the attribute's function.", { canonicalValues: types }),
      attr("primary", "boolean", "Indicates the primary or preferred value."),
    ],
  });
}
