import { noteUserChange } from "../activity/note";
import { commit } from "../events/commit";
import { audit, invitesFor } from "../events/types";
import { conflict } from "../scim/errors";
import { MAX_CUSTOM_ATTRIBUTES } from "../scim/limits";
import type { ScimDoc } from "../scim/normalize";
import { CUSTOM_SCHEMA, userResourceFor } from "../scim/schema/custom";
import type { TenantContext } from "../tenants/context";
import { forgetState } from "../tenants/one-trip";
import { deriveManagedAppleId } from "./managed-apple-id";
import { updateUserStatement } from "./repo";
import { type UserRow, rowOf } from "./row";
import { prepareNewUser } from "./rules";

/** Settings key set by the first takeover from the older Entra ID user source (P24). */
export const ENTRA_SOURCE_MIGRATED = "entraUserSourceMigrated";

/**
 * P11: a SCIM create whose userName matches a user from another source takes that user over:
 * the same row and id, its source becomes SCIM, and the SCIM document becomes its attributes.
 * P25: an LDAP user's custom attributes become IdP custom attributes of the same name (defined
 * here if missing) with their values, unless Entra sends its own; the LDAP values stay stored
 * and are never updated again. A managed Apple ID already set is kept when the setting is on.
 * P24: the first takeover from the Entra ID user source makes that source read-only.
 */
export async function takeOver(t: TenantContext, existing: UserRow, body: unknown): Promise<UserRow> {
  const stored = parseLdap(existing.ldap_attributes);
  // MAX_CUSTOM_ATTRIBUTES holds here too: LDAP attributes beyond it stay LDAP-only (audited), and
  // the user is still taken over, because refusing would fail Entra's provisioning of the user.
  const fresh = Object.keys(stored).filter((k) => !t.customAttributes.includes(k));
  const room = Math.max(0, MAX_CUSTOM_ATTRIBUTES - t.customAttributes.length);
  const notDefined = fresh.slice(room);
  const ldap = Object.fromEntries(Object.entries(stored).filter(([k]) => !notDefined.includes(k)));
  const names = [...new Set([...t.customAttributes, ...Object.keys(ldap)])].sort();
  const { doc, ignored } = prepareNewUser(t, body, userResourceFor(names));
  if (Object.keys(ldap).length) {
    const ext = { ...((doc[CUSTOM_SCHEMA] as ScimDoc | undefined) ?? {}) };
    // Own keys only: an LDAP attribute may be named `constructor`, which Object.prototype also has.
    for (const [k, v] of Object.entries(ldap)) if (!Object.hasOwn(ext, k) && v !== "") ext[k] = v;
    doc[CUSTOM_SCHEMA] = ext;
  }
  noteUserChange(t, JSON.parse(existing.doc) as ScimDoc, doc);
  const setting = t.settings.managedAppleId;
  const managedAppleId =
    setting.mode !== "off" && existing.managed_apple_id
      ? existing.managed_apple_id
      : deriveManagedAppleId(setting, doc);
  const now = new Date().toISOString();
  const takeover = audit("scim", "takeover", "User", existing.id, {
    userName: doc.userName,
    ...(typeof doc.externalId === "string" ? { externalId: doc.externalId } : {}),
    fromSource: existing.source,
    ...(Object.keys(ldap).length ? { ldapAttributesCarriedOver: Object.keys(ldap) } : {}),
    ...(notDefined.length
      ? { ldapAttributesNotCarriedOver: notDefined, reason: `custom attribute limit ${MAX_CUSTOM_ATTRIBUTES}` }
      : {}),
    ...(ignored.length ? { ignoredAttributes: ignored } : {}),
  });
  const defineAttrs = Object.keys(ldap).length
    ? [
        t.db
          .prepare(
            `INSERT OR IGNORE INTO custom_attributes (name, type, created)
             SELECT value, 'IdP', ?2 FROM json_each(?1) LIMIT max(0, ?3 - (SELECT count(*) FROM custom_attributes))`,
          )
          .bind(
            JSON.stringify(Object.keys(ldap).filter((k) => !t.customAttributes.includes(k))),
            now,
            MAX_CUSTOM_ATTRIBUTES,
          ),
      ]
    : [];
  const markSource =
    existing.source === "entra-user-source"
      ? [t.db.prepare("INSERT OR REPLACE INTO settings (key, value) VALUES (?1, 'true')").bind(ENTRA_SOURCE_MIGRATED)]
      : [];
  // The version-checked UPDATE goes last: the events are written only if it took effect.
  const update = updateUserStatement(t.db, {
    id: existing.id,
    doc,
    version: existing.version,
    created: existing.created,
    source: "scim",
    managedAppleId,
    now,
  });
  const results = await commit(
    t,
    [...defineAttrs, ...markSource, update],
    [takeover, ...invitesFor(t.settings, existing.id)],
    {
      ifLastChanged: true,
    },
  );
  // Another request changed (or took over) the user meanwhile: the same conflict as a userName in use.
  if (results[results.length - 1].results.length !== 1)
    throw conflict("The existing user changed during the takeover; retry the request.");
  // Settings or custom attributes changed: the next request reads the tenant state afresh.
  if (defineAttrs.length || markSource.length) forgetState(t.slug);
  // The answer to this request already shows the attributes the takeover defined (P25).
  t.customAttributes = names;
  t.userResource = userResourceFor(names);
  return rowOf(
    existing.id,
    doc,
    "scim",
    existing.version + 1,
    existing.created,
    now,
    managedAppleId,
    existing.ldap_attributes,
  );
}

function parseLdap(json: string | null): Record<string, string> {
  if (!json) return {};
  try {
    const v = JSON.parse(json) as Record<string, unknown>;
    return Object.fromEntries(Object.entries(v).filter(([, x]) => typeof x === "string")) as Record<string, string>;
  } catch {
    return {};
  }
}
