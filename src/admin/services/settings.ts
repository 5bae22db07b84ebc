import { commit } from "../../events/commit";
import {
  renderSubject,
  renderTemplate,
  templateSyntaxError,
  unknownVariables,
  variablesOf,
} from "../../delivery/template";
import { audit } from "../../events/types";
import { type Settings, managedAppleIdInput, putSettingStatement, settingsSchema } from "../../settings/settings";
import type { TenantContext } from "../../tenants/context";
import { findUser } from "../../users/repo";
import { adminError } from "../errors";

/** What the console's settings page names: the stored shape and the template's built-in variables. */
export type { Settings };
export { SCIM_RATE_CEILINGS } from "../../settings/settings";
export { BUILT_IN_VARIABLES } from "../../delivery/template";

/** P20-P22: every field optional; what is given replaces the stored value. */
export const settingsPatch = settingsSchema
  .partial()
  .extend({ managedAppleId: managedAppleIdInput.optional() })
  .strict();

/**
 * Checks a would-be settings value against the tenant (P19, P21); throws naming the field. The
 * template syntax is checked for the templates the patch gives (a stored one stays as it is).
 */
export function checkSettings(t: TenantContext, next: Settings, patch: Partial<Settings>): void {
  for (const field of ["inviteSubject", "inviteBody"] as const) {
    const syntax =
      patch[field] === undefined
        ? undefined
        : templateSyntaxError(next[field], field === "inviteSubject" ? "subject" : "body");
    if (syntax) throw adminError(400, `${field}: ${syntax}.`, field);
    const unknown = unknownVariables(next[field], t.customAttributes);
    if (unknown.length)
      throw adminError(
        400,
        `${field} uses unknown variables: ${unknown.map((v) => "${" + v + "}").join(", ")}.`,
        field,
      );
  }
  const m = next.managedAppleId;
  if (m.mode === "attribute" && !t.customAttributes.some((a) => a.toLowerCase() === m.attribute.toLowerCase())) {
    throw adminError(
      400,
      `managedAppleId.attribute "${m.attribute}" is not a defined custom attribute: define it first, or choose another source of managed Apple IDs.`,
      "managedAppleId",
      "managed-apple-id",
    );
  }
}

export async function updateSettings(t: TenantContext, patch: Partial<Settings>): Promise<Settings> {
  const next: Settings = { ...t.settings, ...patch };
  checkSettings(t, next, patch);
  if (patch.consoleKeySignIn === false && !(await hasOwner(t.db)))
    throw adminError(
      400,
      "consoleKeySignIn can be turned off once a person is an owner: follow a setup link and sign in first.",
      "consoleKeySignIn",
    );
  const keys = Object.keys(patch) as (keyof Settings)[];
  const event = audit("admin", "settings", "Tenant", null, { changed: keys });
  await commit(
    t,
    keys.map((k) => putSettingStatement(t.db, k, next[k])),
    [event],
  );
  t.settings = next;
  return next;
}

const hasOwner = async (db: D1Database) =>
  (await db.prepare("SELECT 1 FROM admins WHERE role = 'owner' AND removed IS NULL LIMIT 1").first()) !== null;

/** P19, P20: the invitation a user would get with these templates, rendered as delivery renders it. */
export async function previewInvitation(
  db: D1Database,
  userId: string,
  templates: Pick<Settings, "inviteSubject" | "inviteBody">,
) {
  const row = await findUser(db, userId);
  if (!row) throw adminError(404, `No user ${userId}.`, "previewUser");
  const vars = variablesOf(row);
  return {
    userName: row.user_name,
    subject: renderSubject(templates.inviteSubject, vars),
    body: renderTemplate(templates.inviteBody, vars),
  };
}
