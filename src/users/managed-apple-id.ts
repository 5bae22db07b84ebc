import { isMailbox } from "../scim/mailbox";
import { badRequest } from "../scim/errors";
import type { ScimDoc } from "../scim/normalize";
import { CUSTOM_SCHEMA } from "../scim/schema/custom";
import type { ManagedAppleIdSetting } from "../settings/settings";

export function primaryEmail(doc: ScimDoc): string | undefined {
  const emails = Array.isArray(doc.emails) ? (doc.emails as { value?: unknown; primary?: unknown }[]) : [];
  const chosen =
    emails.find((e) => e?.primary === true && typeof e.value === "string") ??
    emails.find((e) => typeof e?.value === "string");
  return chosen?.value as string | undefined;
}

/**
 * P21: the managed Apple ID a user's document yields under the tenant's setting, or null when
 * the setting is off or the source is empty. From a custom attribute the value must be an
 * email address (uniqueness is the database's unique index).
 */
export function deriveManagedAppleId(setting: ManagedAppleIdSetting, doc: ScimDoc): string | null {
  switch (setting.mode) {
    case "off":
      return null;
    case "email":
      return primaryEmail(doc) ?? null;
    case "email-appleid": {
      const email = primaryEmail(doc);
      if (!email) return null;
      const at = email.lastIndexOf("@");
      return `${email.slice(0, at)}@appleid.${email.slice(at + 1)}`;
    }
    case "attribute": {
      const ext = (doc[CUSTOM_SCHEMA] ?? {}) as Record<string, unknown>;
      const key = Object.keys(ext).find((k) => k.toLowerCase() === setting.attribute.toLowerCase());
      const value = key ? ext[key] : undefined;
      if (value === undefined || value === null || value === "") return null;
      if (typeof value !== "string" || !isMailbox(value)) {
        throw badRequest(
          "invalidValue",
          `The managed Apple ID comes from custom attribute "${setting.attribute}", whose value must be an email address. Map an email address to that attribute in Entra, or choose another source in the settings.`,
          "managed-apple-id",
        );
      }
      return value;
    }
  }
}

/**
 * On update the ID changes only when its source changed: a stored value that no longer follows
 * from the document (kept from LDAP, P25, or set before the setting changed) stays.
 */
export function nextManagedAppleId(
  setting: ManagedAppleIdSetting,
  before: ScimDoc,
  after: ScimDoc,
  stored: string | null,
): string | null {
  let was: string | null;
  try {
    was = deriveManagedAppleId(setting, before);
  } catch {
    was = null; // the stored document predates the current setting
  }
  const now = deriveManagedAppleId(setting, after);
  return was === now ? stored : (now ?? stored);
}
