/**
 * `npm start`'s cells: every local cell is its own `wrangler dev` on its own port, as deployed
 * cells are separate Workers, each with its cron fired locally (./cron.ts). The ports are recorded
 * (./served-ports.ts) so the tenant command prints URLs on the port actually served.
 *
 * Onboarding needs no restart: `wrangler dev` watches its config file and reloads the Worker when
 * it changes (wrangler's ConfigController; checked in test/blackbox/local-start.test.ts), and a
 * local `tenant add` writes the new binding into that file. A cell added while this runs is
 * picked up by a look at the cells folder every few seconds.
 */
import type { ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { createServer } from "node:net";
import { createInterface } from "node:readline";
import { listCells, type Cell, type Fleet } from "./cells.ts";
import { cronsOf, startLocalCron, type LocalCron } from "./cron.ts";
import { clearServedPorts, writeServedPorts } from "./served-ports.ts";
import { startWranglerDev, waitUntilHealthy } from "./wrangler.ts";

const READY_TIMEOUT_MS = 120_000;
const START_ATTEMPTS = 2;
const NEW_CELL_POLL_MS = 2_000;

export interface ServeOptions {
  fleet: Fleet;
  /** The default cell's port; the other cells take the next free ones, in `cell list` order. */
  port: number;
  ip: string;
  stateDir: string;
  /** `wrangler dev --var` values for every cell. */
  vars: Record<string, string>;
  log: (line: string) => void;
  /** A cell's `wrangler dev` ended while nothing asked it to. */
  onUnexpectedExit: (cell: string, how: string) => void;
}

export interface ServedCell {
  cell: Cell;
  port: number;
  baseUrl: string;
  dev: ChildProcess;
  cron: LocalCron;
}

export interface ServedFleet {
  cells: () => ServedCell[];
  stop: (signal: NodeJS.Signals) => Promise<void>;
}

function isFree(ip: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once("error", () => resolve(false));
    server.listen(port, ip, () => server.close(() => resolve(true)));
  });
}

/** A port the OS picks, for a `wrangler dev`'s inspector (each needs its own). */
function anyFreePort(ip: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, ip, () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Each line of a cell's output, prefixed with its name (the default cell keeps the terminal). */
function prefixOutput(dev: ChildProcess, name: string): void {
  for (const [stream, sink] of [
    [dev.stdout, process.stdout],
    [dev.stderr, process.stderr],
  ] as const)
    if (stream) createInterface({ input: stream }).on("line", (line) => sink.write(`[cell ${name}] ${line}\n`));
}

function stopProcess(dev: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (dev.exitCode !== null || dev.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    dev.once("exit", () => resolve());
    dev.kill(signal);
  });
}

export async function serveFleet(options: ServeOptions): Promise<ServedFleet> {
  const { ip, log } = options;
  const served: ServedCell[] = [];
  let stopping = false;
  const record = () =>
    writeServedPorts({ pid: process.pid, ip, cells: Object.fromEntries(served.map((s) => [s.cell.name, s.port])) });

  const pickPort = async (cell: Cell): Promise<number> => {
    if (cell.isDefault) {
      if (!(await isFree(ip, options.port)))
        throw new Error(`port ${options.port} is in use: choose another with \`npm start -- --port N\``);
      return options.port;
    }
    for (let port = options.port + 1; port < 65536; port++)
      if (!served.some((s) => s.port === port) && (await isFree(ip, port))) return port;
    throw new Error(`no free port above ${options.port} for cell "${cell.name}"`);
  };

  const serveCell = async (cell: Cell): Promise<ServedCell> => {
    const port = await pickPort(cell);
    const baseUrl = `http://${ip}:${port}`;
    for (let attempt = 1; ; attempt++) {
      const dev = startWranglerDev({
        configPath: cell.configPath,
        port,
        ip,
        persistTo: options.stateDir,
        inspectorPort: await anyFreePort(ip),
        vars: options.vars,
        testScheduled: true,
        stdio: cell.isDefault ? "inherit" : ["ignore", "pipe", "pipe"],
      });
      if (!cell.isDefault) prefixOutput(dev, cell.name);
      try {
        await waitUntilHealthy(baseUrl, dev, READY_TIMEOUT_MS);
      } catch (error) {
        await stopProcess(dev, "SIGTERM");
        // Two workerd processes opening the shared local state at once can meet SQLite's lock.
        if (attempt >= START_ATTEMPTS) throw error;
        log(`Cell "${cell.name}" did not start (${(error as Error).message.split("\n")[0]}); trying again.`);
        continue;
      }
      const cron = startLocalCron(baseUrl, cronsOf(readFileSync(cell.configPath, "utf8")), (c, outcome) => {
        if (outcome !== "ok") log(`npm start: cron "${c}" of cell "${cell.name}" did not run cleanly: ${outcome}`);
      });
      dev.on("exit", (code, signal) => {
        if (!stopping) options.onUnexpectedExit(cell.name, String(code ?? signal));
      });
      const one = { cell, port, baseUrl, dev, cron };
      served.push(one);
      record();
      return one;
    }
  };

  // One after the other: each start opens the shared local state.
  for (const cell of listCells(options.fleet)) await serveCell(cell);

  let looking = false;
  const watcher = setInterval(async () => {
    if (looking || stopping) return;
    looking = true;
    try {
      for (const cell of listCells(options.fleet))
        if (!served.some((s) => s.cell.name === cell.name)) {
          const one = await serveCell(cell);
          log(`Cell "${cell.name}" added: served at ${one.baseUrl}, with its cron.`);
        }
    } catch (error) {
      log(`npm start: a new cell could not be served: ${(error as Error).message}`);
    } finally {
      looking = false;
    }
  }, NEW_CELL_POLL_MS);
  watcher.unref();

  return {
    cells: () => [...served],
    async stop(signal) {
      stopping = true;
      clearInterval(watcher);
      for (const s of served) s.cron.stop();
      await Promise.all(served.map((s) => stopProcess(s.dev, signal)));
      clearServedPorts(process.pid);
    },
  };
}
