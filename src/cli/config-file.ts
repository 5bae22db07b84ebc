/**
 * Reads and edits the tenant `[[d1_databases]]` blocks of a wrangler.toml as plain text, so
 * every other line (comments, other tables, someone else's edits) stays byte for byte.
 *
 * Not a TOML parser: it knows table headers that start a line (`[x]`, `[[x]]`) and
 * `key = "value"` lines inside a d1_databases block. A tenant block is one whose binding starts
 * with TENANT_ and whose database_name starts with scim-; those are the only blocks it writes
 * or removes. Other d1_databases blocks are left alone.
 */
import { TENANT_BINDING_PREFIX, tenantBinding } from "../tenants/slug.ts";
import { databaseName, MIGRATIONS_DIR, TENANT_DATABASE_PREFIX } from "./names.ts";

export interface TenantBinding {
  slug: string;
  binding: string;
  databaseName: string;
  databaseId: string;
  migrationsDir: string | undefined;
}

const D1_TABLE = "d1_databases";
/** A table header alone on its line, optionally followed by a comment. */
const HEADER = /^\s*(\[\[?)\s*([A-Za-z0-9_.\-" ]+?)\s*(\]\]?)\s*(#.*)?$/;
const KEY_VALUE = /^\s*([A-Za-z0-9_-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')\s*(#.*)?$/;

interface Block {
  /** Index of the header line. */
  start: number;
  /** Index one past the block's last line (the next header, or the end of the file). */
  end: number;
  name: string;
  isArrayTable: boolean;
  values: Record<string, string>;
}

function splitLines(text: string): string[] {
  return text.split(/\r?\n/);
}

function parseBlocks(lines: string[]): Block[] {
  const blocks: Block[] = [];
  for (let i = 0; i < lines.length; i++) {
    const header = HEADER.exec(lines[i]);
    if (!header) continue;
    const isArrayTable = header[1] === "[[" && header[3] === "]]";
    if (blocks.length > 0) blocks[blocks.length - 1].end = i;
    blocks.push({ start: i, end: lines.length, name: header[2].replaceAll('"', ""), isArrayTable, values: {} });
  }
  for (const block of blocks) {
    for (let i = block.start + 1; i < block.end; i++) {
      const kv = KEY_VALUE.exec(lines[i]);
      if (kv) block.values[kv[1]] = kv[2] ?? kv[3];
    }
  }
  return blocks;
}

function asTenant(block: Block): TenantBinding | undefined {
  if (!block.isArrayTable || block.name !== D1_TABLE) return undefined;
  const { binding, database_name: name, database_id: id, migrations_dir: migrationsDir } = block.values;
  if (!binding?.startsWith(TENANT_BINDING_PREFIX) || !name?.startsWith(TENANT_DATABASE_PREFIX)) return undefined;
  const slug = name.slice(TENANT_DATABASE_PREFIX.length);
  if (tenantBinding(slug) !== binding) return undefined;
  return { slug, binding, databaseName: name, databaseId: id ?? "", migrationsDir };
}

/** Every tenant block, in file order. */
export function listTenantBindings(text: string): TenantBinding[] {
  return parseBlocks(splitLines(text)).flatMap((b) => asTenant(b) ?? []);
}

export function findTenantBinding(text: string, slug: string): TenantBinding | undefined {
  return listTenantBindings(text).find((t) => t.slug === slug);
}

/** The block `add` appends for a tenant. */
export function renderTenantBlock(slug: string, databaseId: string, migrationsDir = MIGRATIONS_DIR): string {
  return [
    `[[${D1_TABLE}]]`,
    `binding = "${tenantBinding(slug)}"`,
    `database_name = "${databaseName(slug)}"`,
    `database_id = "${databaseId}"`,
    `migrations_dir = "${migrationsDir}"`,
  ].join("\n");
}

/** Appends the tenant's block after one blank line. Throws if the slug is already there. */
export function addTenantBlock(text: string, slug: string, databaseId: string, migrationsDir?: string): string {
  if (findTenantBinding(text, slug)) throw new Error(`tenant "${slug}" already has a binding`);
  const body = text.replace(/\s*$/, "");
  return `${body}\n\n${renderTenantBlock(slug, databaseId, migrationsDir)}\n`;
}

/**
 * Removes the tenant's block. Comments and blank lines at the end of the block belong to what
 * follows it, so they stay; the blank line `addTenantBlock` put before the header goes too.
 */
export function removeTenantBlock(text: string, slug: string): string {
  const lines = splitLines(text);
  const block = parseBlocks(lines).find((b) => asTenant(b)?.slug === slug);
  if (!block) throw new Error(`tenant "${slug}" has no binding`);
  let end = block.end;
  while (end > block.start + 1 && /^\s*(#.*)?$/.test(lines[end - 1])) end--;
  let start = block.start;
  if (start > 0 && lines[start - 1].trim() === "") start--;
  lines.splice(start, end - start);
  return lines.join("\n");
}
