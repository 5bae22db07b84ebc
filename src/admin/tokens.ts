import { Hono } from "hono";
import { methodNotAllowed } from "../http/respond";
import type { AppBindings } from "../platform/env";

export const tokenRoutes = new Hono<AppBindings>();

/** P2 "Generate token": shown once; the previous SCIM token stops at once (services/token.ts). */
tokenRoutes.post("/", async (c) => {
  const token = await c.var.services.rotateScimToken();
  const tenantUrl = c.var.services.urls.scim();
  return c.json(
    {
      token,
      tenantUrl,
      note: "Shown once. Paste it into Entra as the Secret Token; the previous token no longer works.",
    },
    201,
  );
});

tokenRoutes.all("/", methodNotAllowed("POST"));
