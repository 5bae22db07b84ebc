import type { OutboxEvent } from "../events/types";
import { userResourceFor } from "../scim/schema/custom";
import type { ResourceSchema } from "../scim/schema/types";
import { type Settings, settingsFromRows, settingsRowsStatement } from "../settings/settings";

/**
 * Everything a request of one tenant works with. Settings and custom attributes are loaded in
 * the same D1 round trip as the token check (see tenants/auth.ts), so no write path pays an
 * extra read for them.
 */
export interface TenantContext {
  slug: string;
  db: D1Database;
  settings: Settings;
  customAttributes: string[];
  /** Core + enterprise + this tenant's custom attribute extension (P18). */
  userResource: ResourceSchema;
  /** Events committed by this request, handed to the Queue after the response (events/outbox.ts). */
  committed: OutboxEvent[];
}

export const tenantStateStatements = (db: D1Database) => [
  settingsRowsStatement(db),
  db.prepare("SELECT name FROM custom_attributes ORDER BY name"),
];

export function tenantContext(slug: string, db: D1Database, settingsRows: { key: string; value: string }[], attrRows: { name: string }[]): TenantContext {
  const customAttributes = attrRows.map((r) => r.name);
  return {
    slug,
    db,
    settings: settingsFromRows(settingsRows),
    customAttributes,
    userResource: userResourceFor(customAttributes),
    committed: [],
  };
}

/** Loads the context outside a request (queue consumer, admin import): one batch. */
export async function loadTenantContext(slug: string, db: D1Database): Promise<TenantContext> {
  const [s, a] = await db.batch(tenantStateStatements(db));
  return tenantContext(slug, db, s.results as { key: string; value: string }[], a.results as { name: string }[]);
}
