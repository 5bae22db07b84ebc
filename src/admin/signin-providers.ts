import { Hono } from "hono";
import { methodNotAllowed } from "../http/respond";
import type { AppBindings } from "../platform/env";
import { listProviders, newProvider, removeProvider } from "./services/signin-providers";
import { valid } from "./validate";

/** The tenant's own OpenID Connect providers (owners change them, http/roles.ts); secrets never come back. */
export const signinProviderRoutes = new Hono<AppBindings>();

signinProviderRoutes.get("/", async (c) =>
  c.json({ providers: await listProviders(c.var.t.db), redirectUri: c.var.services.urls.signinCallback() }),
);

signinProviderRoutes.post("/", valid("json", newProvider), async (c) =>
  c.json(
    {
      ...(await c.var.services.addSigninProvider(c.req.valid("json"))),
      redirectUri: c.var.services.urls.signinCallback(),
    },
    201,
  ),
);

signinProviderRoutes.delete("/:id", async (c) => {
  await removeProvider(c.var.t, c.req.param("id"));
  return c.body(null, 204);
});

signinProviderRoutes.all("/", methodNotAllowed("GET, POST"));
signinProviderRoutes.all("/:id", methodNotAllowed("DELETE"));
