import { Hono } from "hono";
import { methodNotAllowed } from "../http/respond";
import { commit } from "../events/commit";
import { audit } from "../events/types";
import { templateSyntaxError, unknownVariables } from "../delivery/template";
import type { AppBindings } from "../platform/env";
import { type Settings, managedAppleIdSchema, putSettingStatement, settingsSchema } from "../settings/settings";
import { adminError } from "./errors";
import { valid } from "./validate";

/** P20-P22: every field optional; what is given replaces the stored value. */
const settingsPatch = settingsSchema.partial().extend({ managedAppleId: managedAppleIdSchema.optional() }).strict();

export const settingsRoutes = new Hono<AppBindings>();

settingsRoutes.get("/", (c) => c.json({ ...c.var.t.settings, customAttributes: c.var.t.customAttributes }));

settingsRoutes.put("/", valid("json", settingsPatch), async (c) => {
  const t = c.var.t;
  const patch = c.req.valid("json") as Partial<Settings>;
  const next: Settings = { ...t.settings, ...patch };
  // P19: a template may only use variables that exist, custom attributes included.
  for (const field of ["inviteSubject", "inviteBody"] as const) {
    const syntax = patch[field] === undefined ? undefined : templateSyntaxError(next[field], field === "inviteSubject" ? "subject" : "body");
    if (syntax) throw adminError(400, `${field}: ${syntax}.`);
    const unknown = unknownVariables(next[field], t.customAttributes);
    if (unknown.length) throw adminError(400, `${field} uses unknown variables: ${unknown.map((v) => "${" + v + "}").join(", ")}.`);
  }
  const m = next.managedAppleId;
  if (m.mode === "attribute" && !t.customAttributes.some((a) => a.toLowerCase() === m.attribute.toLowerCase())) {
    throw adminError(400, `managedAppleId.attribute "${m.attribute}" is not a defined custom attribute (P21).`);
  }
  const keys = Object.keys(patch) as (keyof Settings)[];
  const event = audit("admin", "settings", "Tenant", null, { changed: keys });
  await commit(t, keys.map((k) => putSettingStatement(t.db, k, next[k])), [event]);
  return c.json({ ...next, customAttributes: t.customAttributes });
});

settingsRoutes.all("/", methodNotAllowed("GET, PUT"));
