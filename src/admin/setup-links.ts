import { Hono } from "hono";
import { methodNotAllowed } from "../http/respond";
import type { AppBindings } from "../platform/env";
import { newLink } from "./services/setup-links";
import { valid } from "./validate";

/** Single-use links that make a person an admin (owners only, http/roles.ts); with an email, an invitation. */
export const setupLinkRoutes = new Hono<AppBindings>();

setupLinkRoutes.post("/", valid("json", newLink), async (c) => {
  const link = await c.var.services.issueSetupLink(c.req.valid("json"));
  return c.json(
    { ...link, note: "The link works once, until it expires. Whoever follows it and signs in gets the role." },
    201,
  );
});

setupLinkRoutes.all("/", methodNotAllowed("POST"));
