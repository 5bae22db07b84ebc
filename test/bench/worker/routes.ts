import { Hono } from "hono";
import type { Env } from "../../../src/platform/env";
import { tenantDatabase } from "../../../src/tenants/resolve";

/**
 * Baselines for `npm run bench`: one single-row D1 read and one single-row write, with no auth
 * and no SCIM work, so SCIM throughput can be reported as a fraction of what the platform gives.
 * Served only by the bench's own Worker entry (./index.ts); the deployed Worker has no such route.
 */
export const benchRoutes = new Hono<{ Bindings: Env }>().basePath("/bench");

const PROBE_KEY = "benchProbe";

benchRoutes.get("/:tenant/read", async (c) => {
  const db = tenantDatabase(c.env, c.req.param("tenant"));
  if (!db) return c.text("no tenant", 404);
  const row = await db.prepare("SELECT value FROM settings WHERE key = ?1").bind(PROBE_KEY).first<{ value: string }>();
  return c.json({ value: row?.value ?? null });
});

benchRoutes.post("/:tenant/write", async (c) => {
  const db = tenantDatabase(c.env, c.req.param("tenant"));
  if (!db) return c.text("no tenant", 404);
  await db
    .prepare("INSERT INTO settings (key, value) VALUES (?1, ?2) ON CONFLICT (key) DO UPDATE SET value = excluded.value")
    .bind(PROBE_KEY, JSON.stringify(Date.now()))
    .run();
  return c.json({ ok: true });
});
