import { type Context, Hono } from "hono";
import { methodNotAllowed } from "../http/respond";
import type { AppBindings } from "../platform/env";
import {
  addClient,
  addFederation,
  addKeyClient,
  listClients,
  listFederations,
  newClient,
  newFederation,
  removeFederation,
  revokeClient,
} from "./services/oauth";
import { valid } from "./validate";

/** The tenant's OAuth clients (client credentials) and workload identity federations. */
export const oauthAdminRoutes = new Hono<AppBindings>();

const tokenEndpoint = (c: Context<AppBindings>) => c.var.services.urls.tokenEndpoint();

oauthAdminRoutes.get("/clients", async (c) =>
  c.json({ clients: await listClients(c.var.t.db), tokenEndpoint: tokenEndpoint(c) }),
);

/** The secret is in this answer only. */
oauthAdminRoutes.post("/clients", valid("json", newClient), async (c) => {
  const input = c.req.valid("json");
  if (input.jwks) {
    const client = await addKeyClient(c.var.t, { ...input, jwks: input.jwks });
    const note = `The client authenticates with a JWT signed by one of these keys (private_key_jwt), iss and sub ${client.clientId}, aud the token endpoint.`;
    return c.json({ ...client, tokenEndpoint: tokenEndpoint(c), note }, 201);
  }
  const client = await addClient(c.var.t, input);
  return c.json(
    {
      ...client,
      tokenEndpoint: tokenEndpoint(c),
      note: "The secret is shown once. Paste the client id, the secret and the token endpoint into Entra.",
    },
    201,
  );
});

oauthAdminRoutes.delete("/clients/:id", async (c) => {
  await revokeClient(c.var.t, c.req.param("id"));
  return c.body(null, 204);
});

oauthAdminRoutes.get("/federations", async (c) =>
  c.json({ federations: await listFederations(c.var.t.db), tokenEndpoint: tokenEndpoint(c) }),
);

oauthAdminRoutes.post("/federations", valid("json", newFederation), async (c) => {
  const f = await addFederation(c.var.t, c.req.valid("json"));
  return c.json({ ...f, tokenEndpoint: tokenEndpoint(c) }, 201);
});

oauthAdminRoutes.delete("/federations/:id", async (c) => {
  await removeFederation(c.var.t, c.req.param("id"));
  return c.body(null, 204);
});

oauthAdminRoutes.all("/clients", methodNotAllowed("GET, POST"));
oauthAdminRoutes.all("/clients/:id", methodNotAllowed("DELETE"));
oauthAdminRoutes.all("/federations", methodNotAllowed("GET, POST"));
oauthAdminRoutes.all("/federations/:id", methodNotAllowed("DELETE"));
