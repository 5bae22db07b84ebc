import type { OutboxEvent, Principal } from "../events/types";
import { userResourceFor } from "../scim/schema/custom";
import type { ResourceSchema } from "../scim/schema/types";
import { type Settings, settingsFromRows } from "../settings/settings";

/** The settings row holding the tenant's cursor-signing key (tenants/cursor-key.ts). */
export const CURSOR_KEY_SETTING = "cursorKey";
/** The settings row of a suspended tenant (fleet/lifecycle.ts): `{reason, at}`; absent when active. */
export const SUSPENSION_SETTING = "suspension";

export interface Suspension {
  reason: string;
  at: string;
}

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
  /** Set while the vendor has suspended the tenant: its SCIM requests are refused (http/tenant.ts). */
  suspension?: Suspension;
  /** Events committed by this request, handed to the Queue after the response (events/outbox.ts). */
  committed: OutboxEvent[];
  /** The named admin or admin API key behind an admin request (absent for SCIM). */
  principal?: Principal;
}

/**
 * The tenant's state, settings rows and custom attribute names, as ONE text computed by SQLite:
 * the same expression serves the token check's read and the guard of a one-trip request
 * (`guardStatement` in tenants/one-trip.ts), which compares the text this isolate remembers with what is stored now.
 */
export const TENANT_STATE_SQL = `(SELECT json_group_array(json_array(kind, key, value)) FROM
  (SELECT 's' AS kind, key, value FROM settings UNION ALL SELECT 'a', name, NULL FROM custom_attributes ORDER BY 1, 2))`;

export const tenantStateStatement = (db: D1Database) => db.prepare(`SELECT ${TENANT_STATE_SQL} AS state`);

/** The state's text out of the tenantStateStatement's result. */
export const stateText = (result: D1Result): string => (result.results[0] as { state: string }).state;

type TenantStateRow = [kind: "s" | "a", key: string, value: string | null];

export function tenantContext(slug: string, db: D1Database, state: string): TenantContext {
  const rows = JSON.parse(state) as TenantStateRow[];
  const customAttributes = rows.filter((r) => r[0] === "a").map((r) => r[1]);
  const settingsRows = rows.filter((r) => r[0] === "s").map(([, key, value]) => ({ key, value: value as string }));
  return {
    slug,
    db,
    settings: settingsFromRows(settingsRows),
    customAttributes,
    userResource: userResourceFor(customAttributes),
    cursorKey: settingsRows.find((r) => r.key === CURSOR_KEY_SETTING)?.value,
    suspension: suspensionOf(settingsRows.find((r) => r.key === SUSPENSION_SETTING)?.value),
    committed: [],
  };
}

function suspensionOf(value: string | undefined): Suspension | undefined {
  if (value === undefined) return undefined;
  try {
    const v = JSON.parse(value) as Partial<Suspension>;
    return { reason: String(v.reason ?? ""), at: String(v.at ?? "") };
  } catch {
    // A row that cannot be read still suspends: the operator meant the tenant to stop.
    return { reason: "", at: "" };
  }
}
