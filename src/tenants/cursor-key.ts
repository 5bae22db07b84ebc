import { importCursorKey } from "../scim/cursor";
import { CURSOR_KEY_SETTING, type TenantContext } from "./context";

/**
 * Each tenant signs its list cursors (RFC 9865) with its own random key, kept in its own D1 as a
 * settings row that the settings API neither shows nor accepts. Per tenant rather than per
 * deployment: nothing to configure or rotate by hand, a cursor of one tenant cannot verify on
 * another, and the key goes with the tenant's database. It is read with the token check (the
 * settings rows, tenants/context.ts) and created on the first cursor a tenant issues.
 */
export async function tenantCursorKey(t: TenantContext): Promise<CryptoKey> {
  let stored = t.cursorKey;
  if (stored === undefined) {
    const fresh = JSON.stringify(btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(32)))));
    // INSERT OR IGNORE then SELECT, in one transaction: concurrent first requests agree on one key.
    const [, read] = await t.db.batch([
      t.db.prepare("INSERT OR IGNORE INTO settings (key, value) VALUES (?1, ?2)").bind(CURSOR_KEY_SETTING, fresh),
      t.db.prepare("SELECT value FROM settings WHERE key = ?1").bind(CURSOR_KEY_SETTING),
    ]);
    stored = (read.results[0] as { value: string }).value;
    t.cursorKey = stored;
  }
  const raw = Uint8Array.from(atob(JSON.parse(stored) as string), (c) => c.charCodeAt(0));
  return importCursorKey(raw);
}
