import { Hono } from "hono";
import { authorizeFirst, tenantGate } from "../http/tenant";
import type { AppBindings } from "../platform/env";
import { activityRoutes } from "./activity";
import { attributeRoutes } from "./attributes";
import { auditRoutes } from "./audit";
import { adminErrorResponse, onAdminError } from "./errors";
import { adminGroupRoutes } from "./groups";
import { importRoutes } from "./import";
import { mailRoutes } from "./mail";
import { settingsRoutes } from "./settings";
import { tokenRoutes } from "./tokens";
import { adminUserRoutes } from "./users";

export const ADMIN_PREFIX = "/admin/api";

/** The tenant's admin API, authorised by the tenant's admin token; JSON in, JSON out. */
export const adminRoutes = new Hono<AppBindings>();

adminRoutes.use("*", tenantGate("admin", ADMIN_PREFIX, adminErrorResponse), authorizeFirst);
adminRoutes.route("/settings", settingsRoutes);
adminRoutes.route("/token", tokenRoutes);
adminRoutes.route("/custom-attributes", attributeRoutes);
adminRoutes.route("/users", adminUserRoutes);
adminRoutes.route("/groups", adminGroupRoutes);
adminRoutes.route("/audit", auditRoutes);
adminRoutes.route("/mail", mailRoutes);
adminRoutes.route("/import", importRoutes);
adminRoutes.route("/", activityRoutes);
adminRoutes.onError(onAdminError);
