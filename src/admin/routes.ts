import { Hono } from "hono";
import { cappedBody, renderAdminError } from "../http/respond";
import { requireRole } from "../http/roles";
import { authorizeFirst, tenantGate } from "../http/tenant";
import type { AppBindings } from "../platform/env";
import { activityRoutes } from "./activity";
import { adminPeopleRoutes } from "./admins";
import { attributeRoutes } from "./attributes";
import { auditRoutes } from "./audit";
import { adminError } from "./errors";
import { adminGroupRoutes } from "./groups";
import { importRoutes } from "./import";
import { keyRoutes } from "./keys";
import { mailRoutes } from "./mail";
import { oauthAdminRoutes } from "./oauth";
import { adminRoleRoutes } from "./roles";
import { settingsRoutes } from "./settings";
import { setupLinkRoutes } from "./setup-links";
import { signinProviderRoutes } from "./signin-providers";
import { tokenRoutes } from "./tokens";
import { adminUserRoutes } from "./users";
import { webhookRoutes } from "./webhooks";

export const ADMIN_PREFIX = "/admin/api";

/**
 * The tenant's admin API, authorised by the tenant's admin token; JSON in, JSON out. Errors are
 * rendered in the admin format by the app's one error boundary (app.ts). The body is capped
 * like SCIM's, after the token check.
 */
export const adminRoutes = new Hono<AppBindings>();

adminRoutes.use(
  "*",
  tenantGate("admin", ADMIN_PREFIX, renderAdminError),
  authorizeFirst,
  requireRole(ADMIN_PREFIX),
  cappedBody(),
);
adminRoutes.route("/settings", settingsRoutes);
adminRoutes.route("/token", tokenRoutes);
adminRoutes.route("/keys", keyRoutes);
adminRoutes.route("/admins", adminPeopleRoutes);
adminRoutes.route("/setup-links", setupLinkRoutes);
adminRoutes.route("/signin-providers", signinProviderRoutes);
adminRoutes.route("/custom-attributes", attributeRoutes);
adminRoutes.route("/users", adminUserRoutes);
adminRoutes.route("/groups", adminGroupRoutes);
adminRoutes.route("/audit", auditRoutes);
adminRoutes.route("/mail", mailRoutes);
adminRoutes.route("/import", importRoutes);
adminRoutes.route("/oauth", oauthAdminRoutes);
adminRoutes.route("/webhooks", webhookRoutes);
adminRoutes.route("/roles", adminRoleRoutes);
adminRoutes.route("/", activityRoutes);
// Last: a path none of the routes above serves (each answers 405 for its other methods).
adminRoutes.all("*", (c) => {
  throw adminError(404, `No admin API resource at ${c.req.path.slice(0, 200)}.`);
});
