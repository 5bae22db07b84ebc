import { Hono } from "hono";
import { methodNotAllowed } from "../http/respond";
import { publicBase } from "../http/public-url";
import type { AppBindings } from "../platform/env";
import { rotateScimToken } from "./services/token";

export const tokenRoutes = new Hono<AppBindings>();

/** P2 "Generate token": shown once; the previous SCIM token stops at once (services/token.ts). */
tokenRoutes.post("/", async (c) => {
  const token = await rotateScimToken(c.var.t, c.env.TOKENS);
  const tenantUrl = `${publicBase(c.env, c.req.url)}/t/${c.var.t.slug}/scim/v2`;
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
