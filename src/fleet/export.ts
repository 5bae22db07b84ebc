import { CURSOR_KEY_SETTING, SUSPENSION_SETTING } from "../tenants/context";

/**
 * A tenant as NDJSON (docs/fleet.md, "Export and import"): a header line, one line per row of the
 * tables below in this order (settings first, so an import sees custom attributes before the
 * users using them), and a last line with the line count and the SHA-256 of every line before it
 * (each with its "\n"). Rows are the stored columns, so an import gives back the same ids,
 * versions, timestamps and documents, and the same SCIM answers.
 */
export const EXPORT_FORMAT = "edge-scim-export";
export const EXPORT_VERSION = 1;
export const EXPORTED_TABLES = [
  "settings",
  "custom_attributes",
  "users",
  "groups",
  "group_members",
  "audit_log",
] as const;
export type ExportedTable = (typeof EXPORTED_TABLES)[number];
/** Settings that are the service's own (the cursor key) or the vendor's (a suspension): not exported. */
export const UNEXPORTED_SETTINGS = [CURSOR_KEY_SETTING, SUSPENSION_SETTING];

const PAGE = 500;

export function exportStream(db: D1Database, tenant: string): ReadableStream<Uint8Array> {
  const { readable, writable } = new TransformStream<Uint8Array, Uint8Array>();
  const digest = new crypto.DigestStream("SHA-256");
  void (async () => {
    const out = writable.getWriter();
    const sum = digest.getWriter();
    const encoder = new TextEncoder();
    let lines = 0;
    const line = async (value: unknown) => {
      const bytes = encoder.encode(JSON.stringify(value) + "\n");
      lines++;
      await Promise.all([out.write(bytes), sum.write(bytes)]);
    };
    try {
      await line({ format: EXPORT_FORMAT, version: EXPORT_VERSION, tenant, exported: new Date().toISOString() });
      for (const table of EXPORTED_TABLES) {
        let after = 0;
        for (;;) {
          const { results } = await db
            .prepare(`SELECT rowid AS "__rowid", * FROM ${table} WHERE rowid > ?1 ORDER BY rowid LIMIT ?2`)
            .bind(after, PAGE)
            .all<Record<string, unknown> & { __rowid: number }>();
          for (const { __rowid, ...row } of results) {
            after = __rowid;
            if (table === "settings" && UNEXPORTED_SETTINGS.includes(String(row.key))) continue;
            await line({ table, row });
          }
          if (results.length < PAGE) break;
        }
      }
      await sum.close();
      const hex = [...new Uint8Array(await digest.digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
      await out.write(encoder.encode(JSON.stringify({ end: true, lines, sha256: hex }) + "\n"));
      await out.close();
    } catch (e) {
      // The stream ends without its last line, so no import takes it for a whole tenant.
      console.warn(JSON.stringify({ msg: "export failed", tenant, error: String(e) }));
      await out.abort(e).catch(() => undefined);
    }
  })();
  return readable;
}
