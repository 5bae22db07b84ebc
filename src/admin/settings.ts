import { Hono } from "hono";
import { methodNotAllowed } from "../http/respond";
import type { AppBindings } from "../platform/env";
import type { Settings } from "../settings/settings";
import { settingsPatch, updateSettings } from "./services/settings";
import { valid } from "./validate";

export const settingsRoutes = new Hono<AppBindings>();

settingsRoutes.get("/", (c) => c.json({ ...c.var.t.settings, customAttributes: c.var.t.customAttributes }));

settingsRoutes.put("/", valid("json", settingsPatch), async (c) => {
  const next = await updateSettings(c.var.t, c.req.valid("json") as Partial<Settings>);
  return c.json({ ...next, customAttributes: c.var.t.customAttributes });
});

settingsRoutes.all("/", methodNotAllowed("GET, PUT"));
