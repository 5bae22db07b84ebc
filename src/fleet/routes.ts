import { Hono } from "hono";
import type { Context } from "hono";
import { publishQuietly, queueBus } from "../events/outbox";
import type { OutboxEvent } from "../events/types";
import type { AppBindings } from "../platform/env";
import { ScimError } from "../scim/errors";
import { tenantDatabase } from "../tenants/resolve";
import { exportStream } from "./export";
import { importInto, parseExport, readCapped } from "./import";
import { recordFleetAudit, resumeTenant, suspendTenant } from "./lifecycle";
import { cellHealth, refreshTenant } from "./health/record";
import { operatorOnly } from "./operator";
import { healthApi } from "./view/api";
import { cellWork, markWork } from "./work";

export const FLEET_PREFIX = "/fleet/api";
const REASON_MAX = 200;
const BODY_MAX = 4096;

/**
 * The vendor's fleet API of one cell (docs/fleet.md, "Lifecycle"), behind the operator token.
 * Errors are the admin API's JSON. Every tenant it names must be bound to this cell; a slug that
 * is not is 404 (operators are trusted to know the fleet; tenants never reach this API).
 */
export const fleetRoutes = new Hono<AppBindings>();
fleetRoutes.use("*", operatorOnly);
// The tenants' health: the list, one tenant (with its suspension), a refresh (fleet/view/api.ts).
fleetRoutes.route("/", healthApi);

function tenantOf(c: Context<AppBindings>): { slug: string; db: D1Database } {
  const slug = c.req.param("slug") ?? "";
  const db = tenantDatabase(c.env, slug);
  if (!db) throw new ScimError(404, `No tenant "${slug.slice(0, 64)}" in cell "${c.env.CELL ?? ""}".`);
  return { slug, db };
}

/** The request's committed events go to the Queue after the response, and the tenant is marked. */
function publish(c: Context<AppBindings>, slug: string, committed: OutboxEvent[]) {
  const work = Promise.all([
    publishQuietly(queueBus(c.env.EVENTS), slug, committed),
    markWork(cellWork(c.env), slug),
  ]).then(() => undefined);
  try {
    c.executionCtx.waitUntil(work);
  } catch {
    // No execution context (direct app.request): the work still runs, unawaited.
  }
}

/** The tenant's health row shows a suspension at once (a failure only delays it to the next refresh). */
async function refreshQuietly(c: Context<AppBindings>, slug: string) {
  await refreshTenant(c.env, cellHealth(c.env), slug, Date.now()).catch((e: unknown) =>
    console.warn(JSON.stringify({ msg: "tenant health not refreshed", tenant: slug, error: String(e) })),
  );
}

const hasControl = (s: string) => [...s].some((ch) => ch.charCodeAt(0) < 0x20 || ch.charCodeAt(0) === 0x7f);

async function jsonBody(c: Context<AppBindings>): Promise<Record<string, unknown>> {
  const bytes = await readCapped(c.req.raw.body, BODY_MAX).catch((e: unknown) => {
    throw e instanceof ScimError && e.status === 413
      ? new ScimError(413, `The body is larger than ${BODY_MAX} bytes.`)
      : e;
  });
  try {
    const v = JSON.parse(new TextDecoder().decode(bytes)) as unknown;
    if (typeof v === "object" && v !== null && !Array.isArray(v)) return v as Record<string, unknown>;
  } catch {
    // answered below
  }
  throw new ScimError(400, "The body must be a JSON object.");
}

/** The cron's view of the cell: tenants with work waiting, and failing tenants. */
fleetRoutes.get("/cron", async (c) => {
  const record = cellWork(c.env);
  const [pending, failures] = await Promise.all([record.pending(), record.failures()]);
  return c.json({ cell: c.env.CELL ?? "", pending, failures });
});

fleetRoutes.post("/tenants/:slug/suspend", async (c) => {
  const { slug, db } = tenantOf(c);
  const body = await jsonBody(c);
  const reason = typeof body.reason === "string" ? body.reason.trim() : "";
  if (!reason || reason.length > REASON_MAX || hasControl(reason))
    throw new ScimError(
      400,
      `"reason" is required: one line of at most ${REASON_MAX} characters (Entra's logs show it to the customer).`,
    );
  const committed: OutboxEvent[] = [];
  const suspension = await suspendTenant(db, reason, committed);
  await recordFleetAudit(c.env, { action: "suspend", tenant: slug, detail: { reason } });
  publish(c, slug, committed);
  await refreshQuietly(c, slug);
  return c.json({ tenant: slug, suspension });
});

fleetRoutes.post("/tenants/:slug/resume", async (c) => {
  const { slug, db } = tenantOf(c);
  const committed: OutboxEvent[] = [];
  if (!(await resumeTenant(db, committed))) throw new ScimError(409, `Tenant "${slug}" is not suspended.`);
  await recordFleetAudit(c.env, { action: "resume", tenant: slug, detail: {} });
  publish(c, slug, committed);
  await refreshQuietly(c, slug);
  return c.json({ tenant: slug, suspension: null });
});

fleetRoutes.get("/tenants/:slug/export", (c) => {
  const { slug, db } = tenantOf(c);
  return new Response(exportStream(db, slug), {
    headers: {
      "Content-Type": "application/x-ndjson",
      "Content-Disposition": `attachment; filename="${slug}.ndjson"`,
      "Cache-Control": "no-store",
    },
  });
});

fleetRoutes.post("/tenants/:slug/import", async (c) => {
  const { slug, db } = tenantOf(c);
  const parsed = await parseExport(await readCapped(c.req.raw.body));
  const committed: OutboxEvent[] = [];
  const counts = await importInto(db, parsed, committed);
  await recordFleetAudit(c.env, { action: "import", tenant: slug, detail: { from: parsed.from, ...counts } });
  publish(c, slug, committed);
  return c.json({ tenant: slug, from: parsed.from, imported: counts });
});

fleetRoutes.all("*", () => {
  throw new ScimError(404, "No such fleet API route.");
});
