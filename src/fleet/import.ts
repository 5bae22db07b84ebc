import { commit } from "../events/commit";
import { audit, type OutboxEvent } from "../events/types";
import { ScimError } from "../scim/errors";
import { EXPORT_FORMAT, EXPORT_VERSION, EXPORTED_TABLES, type ExportedTable, UNEXPORTED_SETTINGS } from "./export";

/** An export larger than this is refused (the import holds it in memory to check it whole first). */
export const IMPORT_MAX_BYTES = 64 * 1024 * 1024;
/** Rows per INSERT are cut at about this much JSON (one bound parameter each). */
const CHUNK_BYTES = 256 * 1024;

const bad = (detail: string) => new ScimError(400, detail);

interface Parsed {
  from: string;
  rows: Map<ExportedTable, Record<string, unknown>[]>;
  lines: number;
}

/** Reads a request body up to `max` bytes; past that, 413 without reading further. */
export async function readCapped(body: ReadableStream<Uint8Array> | null, max = IMPORT_MAX_BYTES): Promise<Uint8Array> {
  if (!body) throw bad("The request has no body: send the export (NDJSON).");
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > max) {
      await reader.cancel();
      throw new ScimError(413, `The export is larger than ${max / 1024 / 1024} MiB.`);
    }
    chunks.push(value);
  }
  const all = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    all.set(c, at);
    at += c.byteLength;
  }
  return all;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** Checks the whole export (format, every line, count and SHA-256) before anything is written. */
export async function parseExport(bytes: Uint8Array): Promise<Parsed> {
  const text = new TextDecoder().decode(bytes);
  const lines = text.split("\n");
  if (lines.at(-1) === "") lines.pop();
  const last = lines.pop();
  if (!last || lines.length === 0) throw bad("The export is empty or has no last line.");
  const json = (s: string, n: number) => {
    try {
      return JSON.parse(s) as unknown;
    } catch {
      throw bad(`Line ${n} is not JSON.`);
    }
  };
  const end = json(last, lines.length + 1);
  if (!isObject(end) || end.end !== true || typeof end.sha256 !== "string" || typeof end.lines !== "number")
    throw bad("The export's last line is missing: it was cut short.");
  if (end.lines !== lines.length) throw bad(`The export has ${lines.length} lines; its last line says ${end.lines}.`);
  const body = new TextEncoder().encode(lines.map((l) => l + "\n").join(""));
  const hex = [...new Uint8Array(await crypto.subtle.digest("SHA-256", body))]
    .map((b) => b.toString(16).padStart(2, "0"))
    .join("");
  if (hex !== end.sha256) throw bad("The export's checksum does not match its content.");
  const header = json(lines[0], 1);
  if (!isObject(header) || header.format !== EXPORT_FORMAT || header.version !== EXPORT_VERSION)
    throw bad(`Line 1 is not an ${EXPORT_FORMAT} version ${EXPORT_VERSION} header.`);
  const rows = new Map<ExportedTable, Record<string, unknown>[]>(EXPORTED_TABLES.map((t) => [t, []]));
  lines.slice(1).forEach((l, i) => {
    const v = json(l, i + 2);
    if (!isObject(v) || !isObject(v.row) || !(EXPORTED_TABLES as readonly unknown[]).includes(v.table))
      throw bad(`Line ${i + 2} is not a row of ${EXPORTED_TABLES.join(", ")}.`);
    rows.get(v.table as ExportedTable)!.push(v.row);
  });
  return { from: String(header.tenant ?? ""), rows, lines: lines.length + 1 };
}

/**
 * Writes a checked export into an empty tenant (no users, groups beyond the built-in one, custom
 * attributes or members), in ONE D1 batch: it is stored whole or not at all. Column names are
 * checked against the tenant's own tables, values travel as one JSON parameter per statement.
 */
export async function importInto(
  db: D1Database,
  parsed: Parsed,
  committed: OutboxEvent[],
): Promise<Record<string, number>> {
  const [empty, ...columnResults] = await db.batch([
    db.prepare(
      `SELECT (SELECT count(*) FROM users) + (SELECT count(*) FROM groups WHERE source != 'builtin')
        + (SELECT count(*) FROM custom_attributes) + (SELECT count(*) FROM group_members) AS n`,
    ),
    ...EXPORTED_TABLES.map((t) => db.prepare("SELECT name FROM pragma_table_info(?1)").bind(t)),
  ]);
  if ((empty.results[0] as { n: number }).n > 0)
    throw new ScimError(
      409,
      "The tenant already has users, groups or custom attributes: import only into a new tenant.",
    );
  const statements: D1PreparedStatement[] = [];
  const counts: Record<string, number> = {};
  EXPORTED_TABLES.forEach((table, i) => {
    const known = new Set((columnResults[i].results as { name: string }[]).map((r) => r.name));
    let rows = parsed.rows.get(table)!;
    if (table === "settings") rows = rows.filter((r) => !UNEXPORTED_SETTINGS.includes(String(r.key)));
    counts[table] = rows.length;
    if (rows.length === 0) return;
    const columns = [...new Set(rows.flatMap((r) => Object.keys(r)))];
    const unknown = columns.find((c) => !known.has(c));
    if (unknown !== undefined)
      throw bad(`The export has a column "${unknown.slice(0, 64)}" that table ${table} does not have.`);
    const verb =
      table === "groups" || table === "settings"
        ? "INSERT OR REPLACE"
        : table === "audit_log"
          ? "INSERT OR IGNORE"
          : "INSERT";
    const sql = `${verb} INTO ${table} (${columns.map((c) => `"${c}"`).join(", ")})
      SELECT ${columns.map((c) => `json_extract(value, '$."${c}"')`).join(", ")} FROM json_each(?1)`;
    let chunk: Record<string, unknown>[] = [];
    let size = 0;
    const flush = () => {
      if (chunk.length) statements.push(db.prepare(sql).bind(JSON.stringify(chunk)));
      chunk = [];
      size = 0;
    };
    for (const r of rows) {
      const n = JSON.stringify(r).length;
      if (size + n > CHUNK_BYTES) flush();
      chunk.push(r);
      size += n;
    }
    flush();
  });
  const event = audit("system", "import", "Tenant", null, { from: parsed.from, lines: parsed.lines, ...counts });
  try {
    await commit({ db, committed }, statements, [event]);
  } catch (e) {
    throw bad(`The export's rows could not be stored, nothing was: ${String((e as Error).message ?? e).slice(0, 300)}`);
  }
  return counts;
}
