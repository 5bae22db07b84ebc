/**
 * The ports `npm start` serves each local cell on, recorded in a gitignored file so that the tenant
 * command prints Tenant URLs on the port actually served, not a guessed default. The record names
 * the `npm start` process; a record whose process is gone is not believed.
 */
import { existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import path from "node:path";
import { writeFileAtomic } from "./cells.ts";

export const SERVED_PORTS_FILE = ".wrangler/served-ports.json";
/** `npm start`'s default port: the default cell's, the other cells take the next free ones. */
export const DEFAULT_PORT = 8787;
export const LOCAL_IP = "127.0.0.1";

export interface ServedPorts {
  /** The `npm start` process serving them. */
  pid: number;
  ip: string;
  /** Cell name → port. */
  cells: Record<string, number>;
}

export function writeServedPorts(ports: ServedPorts, file = SERVED_PORTS_FILE): void {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileAtomic(file, JSON.stringify(ports, null, 2) + "\n");
}

/** Removes the record if it is this process's own (a second `npm start` may have replaced it). */
export function clearServedPorts(pid: number, file = SERVED_PORTS_FILE): void {
  if (readServedPorts(file, () => true)?.pid === pid) rmSync(file, { force: true });
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** The record of a running `npm start`, or undefined. */
export function readServedPorts(file = SERVED_PORTS_FILE, alive = isRunning): ServedPorts | undefined {
  if (!existsSync(file)) return undefined;
  try {
    const ports = JSON.parse(readFileSync(file, "utf8")) as ServedPorts;
    return Number.isInteger(ports.pid) && alive(ports.pid) ? ports : undefined;
  } catch {
    return undefined;
  }
}

/** Where a local cell is reached: served (the port `npm start` uses now) or not served. */
export interface LocalCellUrl {
  base: string;
  served: boolean;
}

/**
 * The base URL of a local cell: the served port when `npm start` runs; otherwise the default port
 * for the default cell and, for another cell, the port it would get on a quiet machine
 * (`npm start` prints the real one).
 */
export function localCellUrl(cellName: string, cellIndex: number, file = SERVED_PORTS_FILE): LocalCellUrl {
  const ports = readServedPorts(file);
  const port = ports?.cells[cellName];
  if (ports && port !== undefined) return { base: `http://${ports.ip}:${port}`, served: true };
  return { base: `http://${LOCAL_IP}:${DEFAULT_PORT + cellIndex}`, served: false };
}
