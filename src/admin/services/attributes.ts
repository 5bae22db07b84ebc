import { z } from "zod";
import { commit } from "../../events/commit";
import { audit } from "../../events/types";
import { MAX_CUSTOM_ATTRIBUTES } from "../../scim/limits";
import {
  type CustomAttributeRow,
  deleteCustomAttributeStatement,
  insertCustomAttributeStatement,
  listCustomAttributes,
} from "../../settings/custom-attributes";
import type { TenantContext } from "../../tenants/context";
import { adminError } from "../errors";

/** P18: a name usable in a SCIM attribute path and in a `${name}` template variable (P19). */
export const ATTRIBUTE_NAME = /^[A-Za-z][A-Za-z0-9_]{0,63}$/;
export const ATTRIBUTE_NAME_RULE = "letters, digits and _; starting with a letter; at most 64";

export const newAttribute = z.object({ name: z.string().regex(ATTRIBUTE_NAME, ATTRIBUTE_NAME_RULE) }).strict();

export const listAttributes = (db: D1Database): Promise<CustomAttributeRow[]> => listCustomAttributes(db);

export async function defineAttribute(t: TenantContext, name: string): Promise<CustomAttributeRow> {
  if (t.customAttributes.length >= MAX_CUSTOM_ATTRIBUTES && !t.customAttributes.includes(name)) {
    throw adminError(
      400,
      `The tenant has ${t.customAttributes.length} custom attributes; the limit is ${MAX_CUSTOM_ATTRIBUTES}.`,
      "name",
    );
  }
  const now = new Date().toISOString();
  const event = audit("admin", "custom-attribute", "Tenant", null, { defined: name });
  const [res] = await commit(t, [insertCustomAttributeStatement(t.db, name, now, MAX_CUSTOM_ATTRIBUTES)], [event], {
    ifLastChanged: true,
  });
  if (res.meta.changes === 0) {
    throw adminError(
      409,
      `Custom attribute "${name}" already exists (or the limit of ${MAX_CUSTOM_ATTRIBUTES} was just reached).`,
      "name",
    );
  }
  return { name, type: "IdP", created: now };
}

/** P18: the only other action on a custom attribute. Stored values stay in the users (P12). */
export async function deleteAttribute(t: TenantContext, name: string): Promise<void> {
  const m = t.settings.managedAppleId;
  if (m.mode === "attribute" && m.attribute.toLowerCase() === name.toLowerCase()) {
    throw adminError(
      409,
      `"${name}" is the source of managed Apple IDs; choose another source in the settings first.`,
      undefined,
      "managed-apple-id",
    );
  }
  const event = audit("admin", "custom-attribute", "Tenant", null, { deleted: name });
  const [res] = await commit(t, [deleteCustomAttributeStatement(t.db, name)], [event], { ifLastChanged: true });
  if (res.meta.changes === 0) throw adminError(404, `No custom attribute "${name}".`);
}
