import { Hono } from "hono";
import { eventsJwksRoute } from "./admin/events-keys";
import { pollRoutes } from "./admin/poll";
import { ADMIN_PREFIX, adminRoutes } from "./admin/routes";
import { CONSOLE_PREFIX, consoleRoutes } from "./console/routes";
import { FLEET_PREFIX, fleetRoutes } from "./fleet/routes";
import { fleetViewRoutes } from "./fleet/view/routes";
import { tenantGate } from "./http/tenant";
import {
  type ErrorRenderer,
  errorBoundary,
  methodNotAllowed,
  renderAdminError,
  renderPollError,
  renderScimError,
} from "./http/respond";
import { METADATA_SEGMENT } from "./oauth/metadata";
import { metadataRoute } from "./oauth/metadata-route";
import { oauthRoutes } from "./oauth/token-endpoint";
import type { AppBindings } from "./platform/env";
import { ScimError } from "./scim/errors";
import { requestServices } from "./request-services";
import { scimRoutes } from "./scim-routes";
import { signinRoutes } from "./signin/routes";

export const SCIM_PREFIX = "/scim/v2";

export const app = new Hono<AppBindings>({ strict: false });

app.get("/healthz", (c) => c.text("ok"));
app.route("/", signinRoutes);

// The composition root: the services bound to the Worker's bindings (the group sequencer's
// Durable Object among them) are built here, once per request; the tenant is the gate's.
app.use("/t/:tenant/*", async (c, next) => {
  const services = requestServices(c.env, c.req.url, () => c.var.t);
  c.set("services", services);
  c.set("sequencerFor", services.sequencerFor);
  await next();
});

app.route("/t/:tenant/oauth", oauthRoutes);
app.get(`/${METADATA_SEGMENT}/t/:tenant`, metadataRoute);
app.get(`/t/:tenant/${METADATA_SEGMENT}`, metadataRoute);

// No body cap here: Hono's body limit reads a chunked body as it checks it, and a SCIM body is
// read only once the token is good (readJsonBody applies the cap then).
app.use(`/t/:tenant${SCIM_PREFIX}/*`, tenantGate("scim", SCIM_PREFIX, renderScimError));
app.route(`/t/:tenant${SCIM_PREFIX}`, scimRoutes);

app.route(`/t/:tenant${ADMIN_PREFIX}`, adminRoutes);
// Public, before the poll's credential gate: the keys that verify the tenant's SETs.
app.get("/t/:tenant/events/jwks.json", eventsJwksRoute);
app.all("/t/:tenant/events/jwks.json", methodNotAllowed("GET"));
app.route("/t/:tenant/events", pollRoutes);
app.route(`/t/:tenant${CONSOLE_PREFIX}`, consoleRoutes);
app.route(FLEET_PREFIX, fleetRoutes);
// The operators' pages; /fleet/api above answers first (docs/fleet.md, "The fleet view").
app.route("/fleet", fleetViewRoutes);

const ADMIN_PATH = new RegExp(`^/t/[^/]+${ADMIN_PREFIX}(/|$)`);
const POLL_PATH = /^\/t\/[^/]+\/events(\/|$)/;
/** The admin API answers in its own JSON format, the RFC 8936 poll in RFC 8935's, everything else in SCIM's. */
const rendererFor = (path: string): ErrorRenderer =>
  ADMIN_PATH.test(path) || path.startsWith(`${FLEET_PREFIX}/`)
    ? renderAdminError
    : POLL_PATH.test(path)
      ? renderPollError
      : renderScimError;

app.onError(errorBoundary(rendererFor));
app.notFound((c) => rendererFor(c.req.path)(new ScimError(404, `No resource at ${c.req.path.slice(0, 200)}.`)));
