import { type Context, Hono } from "hono";
import { deleteCookie, getCookie } from "hono/cookie";
import { secureHeaders } from "hono/secure-headers";
import { startSession } from "../console/auth";
import { CALLBACK_PATH, FLOW_COOKIE, callbackUrl } from "../console/pages/sign-in-messages";
import { publishQuietly, queueBus } from "../events/outbox";
import type { AppBindings } from "../platform/env";
import { tenantDatabase } from "../tenants/resolve";
import { finishFlow, slugOfState } from "./flow";

/** After a setup link: the Connect page, the new admin's first step. */
const LANDING = "/connect";

/**
 * The one redirect URI of every tenant (`/signin/callback`): the state names the tenant, whose
 * database holds the flow. A refusal goes back to the tenant's sign-in page, saying why; a
 * success opens the console session.
 */
export const signinRoutes = new Hono<AppBindings>();

signinRoutes.use(
  CALLBACK_PATH,
  secureHeaders({
    contentSecurityPolicy: { defaultSrc: ["'none'"], frameAncestors: ["'none'"], baseUri: ["'none'"] },
    referrerPolicy: "no-referrer",
    xFrameOptions: "DENY",
  }),
);

signinRoutes.get(CALLBACK_PATH, async (c) => {
  const url = new URL(c.req.url);
  const slug = slugOfState(url.searchParams.get("state"));
  const db = slug ? tenantDatabase(c.env, slug) : undefined;
  const browser = getCookie(c, FLOW_COOKIE);
  deleteCookie(c, FLOW_COOKIE, { path: "/", secure: true });
  c.header("Cache-Control", "no-store");
  if (!slug || !db) return c.text("This sign-in is not valid. Start again from your tenant's console.", 400);
  const base = `/t/${encodeURIComponent(slug)}/admin`;
  const result = await finishFlow(c.env, slug, db, url, callbackUrl(c), browser);
  if (result.committed.length) background(c, publishQuietly(queueBus(c.env.EVENTS), slug, result.committed));
  if (!result.ok) return c.redirect(`${base}/sign-in?failed=${result.refusal}`, 303);
  await startSession(c, slug, db, { kind: "person", id: result.principal.id });
  // A page, not a redirect: the session cookie is SameSite=Strict, and a redirect at the end of
  // the provider's cross-site navigation would arrive without it. The refresh is a same-site one.
  const to = `${base}${result.viaLink ? LANDING : "/"}`;
  return c.html(
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta http-equiv="refresh" content="0;url=${to}">` +
      `<title>Signed in</title></head><body><p>Signed in. <a href="${to}">Continue to the console</a>.</p></body></html>`,
  );
});

function background(c: Context, work: Promise<void>) {
  try {
    c.executionCtx.waitUntil(work);
  } catch {
    // No execution context (direct app.request in tests): the work still runs, unawaited.
  }
}
