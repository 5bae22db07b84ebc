/**
 * The fleet (docs/fleet.md): the default cell is the template config itself (wrangler.toml, so
 * `npm start` and `npm test` see one ordinary Worker), every other cell is one generated file in
 * the cells folder. A tenant lives in exactly one cell; which one is read from the files, so git
 * holds the whole placement and onboarding changes the file of one cell only.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import path from "node:path";
import {
  CELL_NAME,
  cellSettingsOf,
  DEFAULT_CAPACITY,
  DEFAULT_CELL,
  isHostName,
  migrationsDirFor,
  renderCell,
  type CellSettings,
} from "./cell-config.ts";
import { listTenantBindings, type TenantBinding } from "./config-file.ts";
import { parseWholeNumber, TenantUsageError } from "./usage-error.ts";

/** Capacity may be lowered, never raised to where a deploy could meet the ~5,000 bindings limit. */
export const MAX_CAPACITY = 4500;

export interface Fleet {
  /** The template and default cell, e.g. `wrangler.toml`. */
  templatePath: string;
  /** The folder of the other cells' files, e.g. `cells`. */
  cellsDir: string;
}

export interface Cell {
  name: string;
  configPath: string;
  /** The host its Tenant URLs use; the default cell may have none (its workers.dev name). */
  host: string | undefined;
  capacity: number;
  tenants: TenantBinding[];
  isDefault: boolean;
}

/** Write-then-rename, so a crash never leaves a half-written config behind. */
export function writeFileAtomic(file: string, text: string): void {
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, text);
  renameSync(temporary, file);
}

function defaultCell(fleet: Fleet): Cell {
  const text = readFileSync(fleet.templatePath, "utf8");
  const host = /^routes\s*=\s*\[\s*\{\s*pattern\s*=\s*"([^"/]+)/m.exec(text)?.[1];
  const tenants = listTenantBindings(text);
  return {
    name: DEFAULT_CELL,
    configPath: fleet.templatePath,
    host,
    capacity: DEFAULT_CAPACITY,
    tenants,
    isDefault: true,
  };
}

/** Every cell, the default first, then the cells folder in name order. */
export function listCells(fleet: Fleet): Cell[] {
  const cells = [defaultCell(fleet)];
  if (!existsSync(fleet.cellsDir)) return cells;
  for (const file of readdirSync(fleet.cellsDir)
    .filter((f) => f.endsWith(".toml"))
    .sort()) {
    const configPath = path.join(fleet.cellsDir, file);
    const text = readFileSync(configPath, "utf8");
    const settings = cellSettingsOf(text);
    if (!settings || `${settings.name}.toml` !== file)
      throw new Error(
        `${configPath} is not a cell file (no matching "# cell-settings:" line); move it out of ${fleet.cellsDir}`,
      );
    cells.push({ ...settings, configPath, tenants: listTenantBindings(text), isDefault: false });
  }
  return cells;
}

export function findCell(fleet: Fleet, name: string): Cell | undefined {
  return listCells(fleet).find((c) => c.name === name);
}

export function cellOfTenant(fleet: Fleet, slug: string): Cell | undefined {
  return listCells(fleet).find((c) => c.tenants.some((t) => t.slug === slug));
}

function describeCells(cells: readonly Cell[]): string {
  return cells.map((c) => c.name).join(", ");
}

/**
 * The cell a new tenant goes to: the one named, or else the one with the most room (the first
 * in `cell list` order on a tie). Refuses, before anything changes, a slug that is already in
 * any cell, an unknown cell and a full one.
 */
export function placeTenant(fleet: Fleet, slug: string, cellName?: string): Cell {
  const cells = listCells(fleet);
  const home = cells.find((c) => c.tenants.some((t) => t.slug === slug));
  if (home)
    throw new TenantUsageError(
      `tenant "${slug}" already exists in cell "${home.name}" (${home.configPath}); nothing changed`,
    );
  if (cellName !== undefined) {
    const cell = cells.find((c) => c.name === cellName);
    if (!cell)
      throw new TenantUsageError(`unknown cell "${cellName}" (cells: ${describeCells(cells)}); nothing changed`);
    if (cell.tenants.length >= cell.capacity)
      throw new TenantUsageError(
        `cell "${cell.name}" is full (${cell.tenants.length} of ${cell.capacity} tenants); choose another with --cell or add one with \`cell add\`; nothing changed`,
      );
    return cell;
  }
  const roomiest = cells.reduce((best, c) =>
    c.capacity - c.tenants.length > best.capacity - best.tenants.length ? c : best,
  );
  if (roomiest.tenants.length >= roomiest.capacity)
    throw new TenantUsageError(`every cell is full; add one with \`cell add <name> --host <host>\`; nothing changed`);
  return roomiest;
}

function cellFile(fleet: Fleet, name: string): string {
  return path.join(fleet.cellsDir, `${name}.toml`);
}

function render(fleet: Fleet, settings: CellSettings, tenants: readonly TenantBinding[]): string {
  return renderCell({
    template: readFileSync(fleet.templatePath, "utf8"),
    templateName: path.basename(fleet.templatePath),
    templateDir: path.dirname(path.resolve(fleet.templatePath)),
    cellDir: path.resolve(fleet.cellsDir),
    cell: settings,
    tenants,
  });
}

export const parseCapacity = (text: string | undefined) =>
  parseWholeNumber("capacity", text, MAX_CAPACITY, DEFAULT_CAPACITY);

/** Writes a new empty cell's file. Refuses a bad or taken name and a bad or taken host. */
export function addCell(
  fleet: Fleet,
  name: string | undefined,
  host: string | undefined,
  capacity = DEFAULT_CAPACITY,
): Cell {
  if (!name) throw new TenantUsageError("missing cell name");
  if (!CELL_NAME.test(name) || name === DEFAULT_CELL)
    throw new TenantUsageError(
      `invalid cell name "${name}": lower-case letters and digits, single hyphens inside, at most 20 characters, not "${DEFAULT_CELL}"`,
    );
  if (!host) throw new TenantUsageError(`missing --host for cell "${name}" (the host name its Tenant URLs use)`);
  const hostName = host.toLowerCase();
  if (!isHostName(hostName))
    throw new TenantUsageError(
      `invalid --host "${host}": a DNS name such as scim-eu1.example.com, without scheme or port`,
    );
  const cells = listCells(fleet);
  if (cells.some((c) => c.name === name)) throw new TenantUsageError(`cell "${name}" already exists; nothing changed`);
  const holder = cells.find((c) => c.host === hostName);
  if (holder)
    throw new TenantUsageError(`host "${hostName}" is already the host of cell "${holder.name}"; nothing changed`);
  mkdirSync(fleet.cellsDir, { recursive: true });
  const settings = { name, host: hostName, capacity };
  writeFileAtomic(cellFile(fleet, name), render(fleet, settings, []));
  return { ...settings, configPath: cellFile(fleet, name), tenants: [], isDefault: false };
}

/**
 * Regenerates every cell file from the template, keeping its settings and tenants: run after
 * changing wrangler.toml (a binding, a var, a new compatibility date). Returns the cells whose
 * file changed.
 */
export function syncCells(fleet: Fleet): Cell[] {
  const changed: Cell[] = [];
  for (const cell of listCells(fleet)) {
    if (cell.isDefault) continue;
    const next = render(fleet, { name: cell.name, host: cell.host!, capacity: cell.capacity }, cell.tenants);
    if (next !== readFileSync(cell.configPath, "utf8")) {
      writeFileAtomic(cell.configPath, next);
      changed.push(cell);
    }
  }
  return changed;
}

/** The `migrations_dir` a tenant block in this cell's file names. */
export function cellMigrationsDir(fleet: Fleet, cell: Cell): string | undefined {
  if (cell.isDefault) return undefined;
  return migrationsDirFor(path.dirname(path.resolve(fleet.templatePath)), path.resolve(fleet.cellsDir));
}
