/**
 * A cell's wrangler config, generated from the template (the project's wrangler.toml, which is
 * itself the default cell). Plain text edits, like ./config-file.ts, so every comment and table
 * of the template reaches each cell unchanged except for what makes the cell its own
 * (docs/fleet.md): its Worker name, its queues, its host, its public origin, and paths made
 * relative to where the cell's file lives.
 *
 * The tenant blocks are not part of the template: `renderCell` drops the template's own and
 * appends the cell's, so `cell sync` can regenerate everything above them.
 */
import path from "node:path";
import { listTenantBindings, removeTenantBlock, renderTenantBlock, type TenantBinding } from "./config-file.ts";
import { MIGRATIONS_DIR } from "./names.ts";

/** A cell name: short lower-case letters and digits with single inner hyphens (it ends up in Worker and queue names). */
export const CELL_NAME = /^[a-z0-9](-?[a-z0-9]){0,19}$/;
/** The default cell is the template itself: the name `cell list` shows for it. */
export const DEFAULT_CELL = "default";
/** Tenants per cell unless a cell says otherwise: safely under Cloudflare's ~5,000 bindings per Worker. */
export const DEFAULT_CAPACITY = 4000;

export interface CellSettings {
  name: string;
  host: string;
  capacity: number;
}

/** A host name as a custom domain needs it: letters, digits, hyphens, dots, no port, no scheme. */
export function isHostName(host: string): boolean {
  return (
    host.length <= 253 &&
    /^(?=.*[a-z])[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)+$/.test(host)
  );
}

const HEADER_MARK = "# Cell";
const SETTINGS_LINE = /^# cell-settings: name=(\S+) host=(\S+) capacity=(\d+)\s*$/m;

function header(cell: CellSettings, templateName: string): string {
  return [
    `${HEADER_MARK} "${cell.name}" of the fleet (docs/fleet.md). Generated from ${templateName} by`,
    "# `npm run tenant -- cell add|sync`: change the template and run `cell sync`, never this file by hand.",
    "# The tenant blocks at the end are written by `npm run tenant -- add|remove`.",
    `# cell-settings: name=${cell.name} host=${cell.host} capacity=${cell.capacity}`,
    "",
  ].join("\n");
}

/** The settings a cell file records in its header, or undefined for a file that is not a cell. */
export function cellSettingsOf(text: string): CellSettings | undefined {
  const match = SETTINGS_LINE.exec(text);
  if (!match) return undefined;
  return { name: match[1], host: match[2], capacity: Number(match[3]) };
}

/** The template without its tenant blocks (the default cell's own tenants stay in its file). */
function templateBody(template: string): string {
  let text = template;
  for (const tenant of listTenantBindings(template)) text = removeTenantBlock(text, tenant.slug);
  return text.replace(/\s*$/, "\n");
}

function setTopLevelString(text: string, key: string, value: string): string {
  const line = new RegExp(`^${key}\\s*=\\s*"[^"]*"`, "m");
  if (!line.test(text)) throw new Error(`the template has no top-level ${key} = "..."`);
  return text.replace(line, `${key} = "${value}"`);
}

/**
 * Paths in a wrangler config resolve against the config's own folder, so a cell file in
 * `cells/` needs `../src/index.ts` where the template says `src/index.ts`.
 */
export function rebasePaths(text: string, fromDir: string, toDir: string): string {
  const prefix = path.relative(toDir, fromDir);
  if (!prefix) return text;
  return text.replace(
    /^(\s*(?:main|directory|migrations_dir)\s*=\s*")([^"]+)(")/gm,
    (whole, before: string, value: string, after: string) =>
      path.isAbsolute(value) ? whole : `${before}${path.posix.join(prefix.split(path.sep).join("/"), value)}${after}`,
  );
}

/** The template's migrations folder as seen from a cell file's folder. */
export function migrationsDirFor(templateDir: string, cellDir: string): string {
  return path.relative(cellDir, path.join(templateDir, MIGRATIONS_DIR)).split(path.sep).join("/");
}

/**
 * The whole file of a cell: header, the template with the cell's own names, then its tenants.
 * `templateDir` and `cellDir` are the folders of the two files (for the relative paths).
 */
export function renderCell(options: {
  template: string;
  templateName: string;
  templateDir: string;
  cellDir: string;
  cell: CellSettings;
  tenants: readonly TenantBinding[];
}): string {
  const { cell } = options;
  let text = templateBody(options.template);
  const workerName = /^name\s*=\s*"([^"]+)"/m.exec(text)?.[1];
  if (!workerName) throw new Error(`the template has no top-level name = "..."`);
  text = setTopLevelString(text, "name", `${workerName}-${cell.name}`);
  // Each cell has its own queue and dead-letter queue: a poison message or a backlog in one
  // cell never holds up another's audit log.
  text = text.replace(
    /^(\s*(?:queue|dead_letter_queue)\s*=\s*")([^"]+)(")/gm,
    (_, before: string, queue: string, after: string) => `${before}${queue}-${cell.name}${after}`,
  );
  // A custom domain per cell: the Tenant URL names its cell, so no hop in front picks it.
  text = text.replace(
    /^(name\s*=\s*"[^"]*"\s*)$/m,
    `$1\nroutes = [{ pattern = "${cell.host}", custom_domain = true }]`,
  );
  text = text.replace(/^(\s*PUBLIC_BASE_URL\s*=\s*)"[^"]*"/m, `$1"https://${cell.host}"`);
  text = text.replace(/^(\s*CELL\s*=\s*)"[^"]*"/m, `$1"${cell.name}"`);
  text = rebasePaths(text, options.templateDir, options.cellDir);
  const migrations = migrationsDirFor(options.templateDir, options.cellDir);
  const blocks = options.tenants.map((t) => renderTenantBlock(t.slug, t.databaseId, migrations));
  return [header(cell, options.templateName) + text, ...blocks].join("\n") + "\n";
}
