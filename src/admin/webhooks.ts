import { Hono } from "hono";
import { methodNotAllowed } from "../http/respond";
import type { AppBindings } from "../platform/env";
import {
  deleteWebhook,
  deliveriesQuery,
  getWebhook,
  jwks,
  listDeliveries,
  listWebhooks,
  newWebhook,
  rotateJwks,
} from "./services/webhooks";
import { issuePollToken, listPollTokens, revokePollToken } from "./services/poll-tokens";
import { valid } from "./validate";

/** The tenant's event endpoints, their deliveries, and the SET signing keys. */
export const webhookRoutes = new Hono<AppBindings>();

webhookRoutes.get("/", async (c) => c.json({ webhooks: await listWebhooks(c.var.t.db) }));

/** The `json` format's secret is in this answer only. */
webhookRoutes.post("/", valid("json", newWebhook), async (c) => {
  const added = await c.var.services.addWebhook(c.req.valid("json"));
  return c.json(
    {
      ...added,
      ...(added.secret
        ? { note: "The secret is shown once. Verify each event's webhook-signature with it (Standard Webhooks)." }
        : {
            note: `Verify each SET with the tenant's public keys: ${c.var.services.urls.eventsJwks()} (no credential).`,
          }),
    },
    201,
  );
});

webhookRoutes.all("/", methodNotAllowed("GET, POST"));

webhookRoutes.get("/jwks", async (c) => c.json(await jwks(c.var.t.db, c.var.services.sealer())));
webhookRoutes.all("/jwks", methodNotAllowed("GET"));
webhookRoutes.post("/jwks/rotate", async (c) => c.json(await rotateJwks(c.var.t, c.var.services.sealer())));
webhookRoutes.all("/jwks/rotate", methodNotAllowed("POST"));

webhookRoutes.get("/:id", async (c) => c.json(await getWebhook(c.var.t.db, c.req.param("id"))));
webhookRoutes.delete("/:id", async (c) => {
  await deleteWebhook(c.var.t, c.req.param("id"));
  return c.body(null, 204);
});
webhookRoutes.all("/:id", methodNotAllowed("GET, DELETE"));

webhookRoutes.post("/:id/test", async (c) => c.json(await c.var.services.testWebhook(c.req.param("id"))));
webhookRoutes.all("/:id/test", methodNotAllowed("POST"));

webhookRoutes.get("/:id/deliveries", valid("query", deliveriesQuery), async (c) =>
  c.json({ deliveries: await listDeliveries(c.var.t.db, c.req.param("id"), c.req.valid("query").limit) }),
);
webhookRoutes.all("/:id/deliveries", methodNotAllowed("GET"));

/** Endpoint-scoped RFC 8936 poll tokens: the token is in the 201 only. */
webhookRoutes.post("/:id/poll-tokens", async (c) =>
  c.json(
    {
      ...(await issuePollToken(c.var.t, c.req.param("id"))),
      note: "The token is shown once. POST it as a bearer token to events/poll: it reads this endpoint's events only.",
    },
    201,
  ),
);
webhookRoutes.get("/:id/poll-tokens", async (c) =>
  c.json({ tokens: await listPollTokens(c.var.t.db, c.req.param("id")) }),
);
webhookRoutes.all("/:id/poll-tokens", methodNotAllowed("GET, POST"));
webhookRoutes.delete("/:id/poll-tokens/:tokenId", async (c) => {
  await revokePollToken(c.var.t, c.req.param("id"), c.req.param("tokenId"));
  return c.body(null, 204);
});
webhookRoutes.all("/:id/poll-tokens/:tokenId", methodNotAllowed("DELETE"));
