import { Hono } from "hono";
import { ADMIN_PREFIX, adminRoutes } from "./admin/routes";
import { benchRoutes } from "./bench/routes";
import { tenantGate } from "./http/tenant";
import { onError, renderScimError } from "./http/respond";
import type { AppBindings } from "./platform/env";
import { ScimError } from "./scim/errors";
import { scimRoutes } from "./scim/routes";

export const SCIM_PREFIX = "/scim/v2";

export const app = new Hono<AppBindings>({ strict: false });

app.get("/healthz", (c) => c.text("ok"));

app.use("/bench/*", async (c, next) => (c.env.BENCH === "1" ? next() : c.notFound()));
app.route("/bench", benchRoutes);

app.use(`/t/:tenant${SCIM_PREFIX}/*`, tenantGate("scim", SCIM_PREFIX, renderScimError));
app.route(`/t/:tenant${SCIM_PREFIX}`, scimRoutes);

app.route(`/t/:tenant${ADMIN_PREFIX}`, adminRoutes);

app.onError(onError);
app.notFound((c) => renderScimError(new ScimError(404, `No resource at ${new URL(c.req.url).pathname}.`)));
