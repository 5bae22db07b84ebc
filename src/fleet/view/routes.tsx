import { type Context, Hono } from "hono";
import { pageHeaders as headers } from "../../http/page-headers";
import { bodyLimit } from "hono/body-limit";
import { csrf } from "hono/csrf";
import { HTTPException } from "hono/http-exception";
import { assetUrls } from "../../console/assets";
import { render } from "../../console/context";
import { Notice } from "../../console/ui";
import { clock } from "../../platform/clock";
import type { AppBindings } from "../../platform/env";
import { ScimError } from "../../scim/errors";
import { tenantDatabase } from "../../tenants/resolve";
import { cellHealth, refreshTenant } from "../health/record";
import { tenantReport } from "../health/report";
import { fleetRole, requireOperator } from "../operator";
import { listTenants, parseListQuery } from "./api";
import { FLEET_BASE, FleetLayout, type FleetUi } from "./layout";
import { ListPage, SignInPage, TenantPage } from "./pages";
import { csrfOf, fleetSession, fleetSignIn, fleetSignOut } from "./session";

const FORM_MAX = 4096;
const SIGN_IN_FAILED = "That token was not accepted. Check it and try again.";

async function uiOf(c: Context<AppBindings>): Promise<FleetUi> {
  return { cell: c.env.CELL ?? "", assets: await assetUrls(c.env.ASSETS), role: fleetRole(c), csrf: csrfOf(c) };
}

/**
 * The operators' fleet view at /fleet/ (docs/fleet.md, "The fleet view"): the cell's tenants with
 * their states, and a page per tenant, server-rendered with the console's stylesheet. Sign-in
 * with a fleet token until operators sign in as people.
 */
export const fleetViewRoutes = new Hono<AppBindings>();

fleetViewRoutes.use("*", headers, csrf());
fleetViewRoutes.use(
  "*",
  bodyLimit({
    maxSize: FORM_MAX,
    onError: () => {
      throw new ScimError(413, `The form is larger than ${FORM_MAX} bytes.`);
    },
  }),
);

fleetViewRoutes.get("/sign-in", async (c) => render(c, <SignInPage ui={await uiOf(c)} />));

fleetViewRoutes.post("/sign-in", async (c) => {
  const body = await c.req.parseBody();
  const result = await fleetSignIn(c, typeof body.token === "string" ? body.token : "");
  if (result.ok) return c.redirect(`${FLEET_BASE}/`, 303);
  if (result.retryAfter) c.header("Retry-After", String(result.retryAfter));
  return render(c, <SignInPage ui={await uiOf(c)} error={SIGN_IN_FAILED} />, result.status);
});

fleetViewRoutes.use("*", fleetSession);

fleetViewRoutes.post("/sign-out", async (c) => {
  await fleetSignOut(c);
  return c.redirect(`${FLEET_BASE}/sign-in`, 303);
});

fleetViewRoutes.get("/", async (c) => {
  const query = parseListQuery(c.req.query());
  const list = await listTenants(c.env, query, clock.now());
  return render(c, <ListPage ui={await uiOf(c)} query={query} list={list} />);
});

fleetViewRoutes.get("/tenants/:slug", async (c) => {
  const slug = c.req.param("slug");
  if (!tenantDatabase(c.env, slug)) throw new ScimError(404, `No tenant "${slug.slice(0, 64)}" in this cell.`);
  return render(c, <TenantPage ui={await uiOf(c)} t={await tenantReport(c.env, slug, clock.now())} />);
});

fleetViewRoutes.post("/tenants/:slug/refresh", requireOperator, async (c) => {
  const slug = c.req.param("slug");
  if (!(await refreshTenant(c.env, cellHealth(c.env), slug, clock.now())))
    throw new ScimError(404, `No tenant "${slug.slice(0, 64)}" in this cell.`);
  return c.redirect(`${FLEET_BASE}/tenants/${encodeURIComponent(slug)}`, 303);
});

fleetViewRoutes.all("*", () => {
  throw new ScimError(404, "No such page.");
});

/** Errors as pages; a missing session goes to sign-in; nothing internal is shown. */
fleetViewRoutes.onError(async (err, c) => {
  let status = 500;
  let message = "The fleet view could not complete the request. Try again; if it keeps failing, check the logs.";
  if (err instanceof ScimError || (err instanceof HTTPException && err.status < 500)) {
    status = err.status;
    message = err instanceof ScimError ? err.detail : "This request came from another site and was refused.";
  } else console.error(JSON.stringify({ msg: "unhandled fleet view error", error: String(err?.stack ?? err) }));
  if (status === 401)
    return new Response(null, {
      status: 303,
      headers: { Location: `${FLEET_BASE}/sign-in`, "Cache-Control": "no-store" },
    });
  const ui = await uiOf(c);
  return render(
    c,
    <FleetLayout ui={ui} title={status === 404 ? "Not found" : status === 403 ? "Refused" : "Request refused"}>
      <Notice kind="error">{message}</Notice>
      <p>
        <a href={`${FLEET_BASE}/`}>Back to the tenants</a>
      </p>
    </FleetLayout>,
    status,
  );
});
