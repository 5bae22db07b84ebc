import type { OutboxEvent } from "../events/types";
import { userResourceFor } from "../scim/schema/custom";
import type { ResourceSchema } from "../scim/schema/types";
import { type Settings, settingsFromRows } from "../settings/settings";
import { CURSOR_KEY_SETTING } from "./cursor-key";

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
  /** The tenant's key for signing list cursors (settings row, see tenants/cursor-key.ts); absent until first used. */
  cursorKey?: string;
  /** Events committed by this request, handed to the Queue after the response (events/outbox.ts). */
  committed: OutboxEvent[];
}

/** Settings rows and custom attribute names in one statement (kind 's' or 'a'). */
export const tenantStateStatement = (db: D1Database) =>
  db.prepare(
    "SELECT 's' AS kind, key, value FROM settings UNION ALL SELECT 'a', name, NULL FROM custom_attributes ORDER BY 1, 2",
  );

export type TenantStateRow = { kind: "s" | "a"; key: string; value: string | null };

export function tenantContext(slug: string, db: D1Database, rows: TenantStateRow[]): TenantContext {
  const customAttributes = rows.filter((r) => r.kind === "a").map((r) => r.key);
  const settingsRows = rows.filter((r) => r.kind === "s") as { key: string; value: string }[];
  return {
    slug,
    db,
    settings: settingsFromRows(settingsRows),
    customAttributes,
    userResource: userResourceFor(customAttributes),
    cursorKey: settingsRows.find((r) => r.key === CURSOR_KEY_SETTING)?.value,
    committed: [],
  };
}
