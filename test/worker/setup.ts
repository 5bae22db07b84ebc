import { applyD1Migrations, type D1Migration, env } from "cloudflare:test";

// Setup files run outside per-test storage isolation; applyD1Migrations skips what is applied.
const e = env as unknown as Record<string, unknown> & { TEST_MIGRATIONS: D1Migration[]; TEST_TENANTS: string[] };
for (const t of e.TEST_TENANTS) {
  await applyD1Migrations(e[`TENANT_${t.toUpperCase()}`] as D1Database, e.TEST_MIGRATIONS);
}
