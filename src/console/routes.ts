import { Hono, type MiddlewareHandler } from "hono";
import { pageHeaders as headers } from "../http/page-headers";
import { except } from "hono/combine";
import { getCookie } from "hono/cookie";
import { csrf } from "hono/csrf";
import { requireRole } from "../http/roles";
import { authorizeFirst, tenantGate } from "../http/tenant";
import { ScimError } from "../scim/errors";
import { assetUrls } from "./assets";
import { sessionCredentials } from "./auth";
import { type ConsoleBindings, formOf } from "./context";
import { onConsoleError, signInRedirect } from "./errors";
import { activityPages } from "./pages/activity";
import { adminPages } from "./pages/admins";
import { keyPages } from "./pages/keys";
import { attributePages } from "./pages/attributes";
import { rolePages } from "./pages/roles";
import { auditPages } from "./pages/audit";
import { connectPages } from "./pages/connect";
import { groupPages } from "./pages/groups";
import { eventPages } from "./pages/events";
import { mailPages } from "./pages/mail";
import { oauthPages } from "./pages/oauth";
import { overviewPages } from "./pages/overview";
import { settingsPages } from "./pages/settings";
import { signInPages } from "./pages/sign-in";
import { tokenPages } from "./pages/token";
import { userPages } from "./pages/users";
import { csrfTokenOf, sessionCookieName } from "./sessions";

export const CONSOLE_PREFIX = "/admin";

/** Per request: the console's base path, its asset URLs and (once signed in) the CSRF token. */
const ui: MiddlewareHandler<ConsoleBindings> = async (c, next) => {
  const slug = c.req.param("tenant") ?? "";
  const cookie = getCookie(c, sessionCookieName(slug));
  c.set("ui", {
    slug,
    // From the path as sent, re-encoded: a decoded slug (`a\nX`, `%00`) must never reach a Location header.
    base: `/t/${encodeURIComponent(slug)}${CONSOLE_PREFIX}`,
    csrf: cookie ? await csrfTokenOf(cookie) : "",
    assets: await assetUrls(c.env.ASSETS),
  });
  await next();
};

/** Every form carries the session's CSRF token, on top of hono/csrf's same-origin check. */
const csrfToken: MiddlewareHandler<ConsoleBindings> = async (c, next) => {
  if (c.req.method === "POST") {
    const sent = (await formOf(c))._csrf ?? "";
    const expected = c.var.ui.csrf;
    const enc = new TextEncoder();
    const a = enc.encode(sent);
    const b = enc.encode(expected);
    if (!expected || a.byteLength !== b.byteLength || !crypto.subtle.timingSafeEqual(a, b)) {
      throw new ScimError(403, "This form has expired. Reload the page and try again.");
    }
  }
  await next();
};

const isApi = (c: { req: { path: string } }) => /\/admin\/api(\/|$)/.test(c.req.path);

/**
 * The admin console at `/t/<tenant>/admin/`: server-rendered pages over the same
 * services as the JSON API at `/t/<tenant>/admin/api`, whose paths these middlewares leave alone.
 */
export const consoleRoutes = new Hono<ConsoleBindings>();

consoleRoutes.use("*", except(isApi, headers, ui, csrf()));
consoleRoutes.route("/", signInPages);
consoleRoutes.use(
  "*",
  except(
    isApi,
    (c, next) =>
      tenantGate("admin", CONSOLE_PREFIX, () => signInRedirect(c.var.ui), sessionCredentials)(c as never, next),
    authorizeFirst as MiddlewareHandler,
    csrfToken,
    requireRole(CONSOLE_PREFIX) as MiddlewareHandler,
  ),
);
consoleRoutes.route("/", overviewPages);
consoleRoutes.route("/connect", connectPages);
consoleRoutes.route("/users", userPages);
consoleRoutes.route("/groups", groupPages);
consoleRoutes.route("/activity", activityPages);
consoleRoutes.route("/attributes", attributePages);
consoleRoutes.route("/roles", rolePages);
consoleRoutes.route("/settings", settingsPages);
consoleRoutes.route("/token", tokenPages);
consoleRoutes.route("/admins", adminPages);
consoleRoutes.route("/keys", keyPages);
consoleRoutes.route("/oauth", oauthPages);
consoleRoutes.route("/audit", auditPages);
consoleRoutes.route("/mail", mailPages);
consoleRoutes.route("/events", eventPages);
consoleRoutes.onError(onConsoleError);
