import { Hono } from "hono";
import { methodNotAllowed } from "../http/respond";
import { z } from "zod";
import { commit } from "../events/commit";
import { audit } from "../events/types";
import { MAX_CUSTOM_ATTRIBUTES } from "../scim/limits";
import type { AppBindings } from "../platform/env";
import { adminError } from "./errors";
import { valid } from "./validate";

/** P18: a name usable in a SCIM attribute path and in a `${name}` template variable (P19). */
const ATTRIBUTE_NAME = /^[A-Za-z][A-Za-z0-9_]{0,63}$/;

export const attributeRoutes = new Hono<AppBindings>();

attributeRoutes.get("/", async (c) => {
  const { results } = await c.var.t.db.prepare("SELECT name, type, created FROM custom_attributes ORDER BY name").all();
  return c.json({ attributes: results });
});

attributeRoutes.post("/", valid("json", z.object({ name: z.string().regex(ATTRIBUTE_NAME, "letters, digits and _; starting with a letter; at most 64") }).strict()), async (c) => {
  const t = c.var.t;
  const { name } = c.req.valid("json");
  if (t.customAttributes.length >= MAX_CUSTOM_ATTRIBUTES && !t.customAttributes.includes(name)) {
    throw adminError(400, `The tenant has ${t.customAttributes.length} custom attributes; the limit is ${MAX_CUSTOM_ATTRIBUTES}.`);
  }
  const now = new Date().toISOString();
  const event = audit("admin", "custom-attribute", "Tenant", null, { defined: name });
  // The count guard holds the limit against concurrent definitions too (a batch is a transaction).
  const insert = t.db
    .prepare(
      `INSERT OR IGNORE INTO custom_attributes (name, type, created)
       SELECT ?1, 'IdP', ?2 WHERE (SELECT count(*) FROM custom_attributes) < ?3`,
    )
    .bind(name, now, MAX_CUSTOM_ATTRIBUTES);
  const [res] = await commit(t, [insert], [event], { ifLastChanged: true });
  if (res.meta.changes === 0) throw adminError(409, `Custom attribute "${name}" already exists (or the limit of ${MAX_CUSTOM_ATTRIBUTES} was just reached).`);
  return c.json({ name, type: "IdP", created: now }, 201);
});

/** P18: the only other action on a custom attribute. Stored values stay in the users (P12). */
attributeRoutes.delete("/:name", async (c) => {
  const t = c.var.t;
  const name = c.req.param("name");
  const m = t.settings.managedAppleId;
  if (m.mode === "attribute" && m.attribute.toLowerCase() === name.toLowerCase()) {
    throw adminError(409, `"${name}" is the source of managed Apple IDs (P21); change that setting first.`);
  }
  const event = audit("admin", "custom-attribute", "Tenant", null, { deleted: name });
  const [res] = await commit(t, [t.db.prepare("DELETE FROM custom_attributes WHERE name = ?1").bind(name)], [event], { ifLastChanged: true });
  if (res.meta.changes === 0) throw adminError(404, `No custom attribute "${name}".`);
  return c.body(null, 204);
});

attributeRoutes.all("/", methodNotAllowed("GET, POST"));
attributeRoutes.all("/:name", methodNotAllowed("DELETE"));
