/**
 * Every wrangler invocation the tenant tooling makes, in one place. Arguments never carry a
 * token: only hashes and ids go to wrangler (its command line shows up in `ps` and its logs).
 */
import { spawn, type ChildProcess, type StdioOptions } from "node:child_process";
import { createRequire } from "node:module";
import path from "node:path";
import { localSealKeys } from "./seal-keys.ts";

/** Where a command acts: local state (workerd/miniflare files) or the Cloudflare account. */
export interface WranglerTarget {
  /** wrangler config file, e.g. `wrangler.toml` or a test copy of it. */
  configPath: string;
  remote: boolean;
  /** Local state directory (wrangler's default is `.wrangler/state` beside the config). */
  persistTo?: string;
  cwd?: string;
}

export interface WranglerResult {
  stdout: string;
  stderr: string;
}

export class WranglerError extends Error {
  constructor(args: readonly string[], code: number | null, output: string) {
    const tail = output.trim().split("\n").slice(-15).join("\n");
    super(`wrangler ${args.join(" ")} exited with ${code}\n${tail}`);
    this.name = "WranglerError";
  }
}

/**
 * Never report usage data, and never fetch workers.cloudflare.com/cf.json for a local
 * `request.cf` (Miniflare then uses its fixed sample): nothing local reaches the internet, and
 * without this a machine offline prints an ENOTFOUND stack trace at every start.
 */
export const WRANGLER_ENV = { WRANGLER_SEND_METRICS: "false", CLOUDFLARE_CF_FETCH_ENABLED: "false" } as const;

/**
 * wrangler's own entry script, run with the Node that runs us: inside `npm run`/`npx` that is
 * the project's Node 22 (current wrangler refuses older ones).
 */
function wranglerEntry(): string {
  const packageJson = createRequire(import.meta.url).resolve("wrangler/package.json");
  return path.join(path.dirname(packageJson), "bin", "wrangler.js");
}

function wranglerEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return { ...process.env, ...WRANGLER_ENV, ...extra };
}

export function runWrangler(args: readonly string[], cwd?: string): Promise<WranglerResult> {
  return new Promise((resolve, reject) => {
    // stdin is closed, so wrangler treats the run as non-interactive and asks no questions.
    const child = spawn(process.execPath, [wranglerEntry(), ...args], {
      cwd,
      env: wranglerEnv({ CI: "true" }),
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk) => (stdout += chunk));
    child.stderr.on("data", (chunk) => (stderr += chunk));
    child.on("error", reject);
    child.on("close", (code) => {
      if (code === 0) resolve({ stdout, stderr });
      else reject(new WranglerError(args, code, `${stdout}\n${stderr}`));
    });
  });
}

function common(target: WranglerTarget): string[] {
  return ["--config", target.configPath];
}

/** `--local --persist-to DIR` or `--remote`. */
function location(target: WranglerTarget): string[] {
  if (target.remote) return ["--remote"];
  return target.persistTo ? ["--local", "--persist-to", target.persistTo] : ["--local"];
}

/** D1's location hints: put the primary near the customer's Entra tenant. */
export const D1_LOCATIONS = ["weur", "eeur", "apac", "oc", "wnam", "enam"] as const;
export type D1Location = (typeof D1_LOCATIONS)[number];
export const isD1Location = (s: string): s is D1Location => (D1_LOCATIONS as readonly string[]).includes(s);

/** Creates a database in the account (remote only) and returns its id. */
export async function d1Create(target: WranglerTarget, name: string, location?: D1Location): Promise<string> {
  const where = location ? ["--location", location] : [];
  const { stdout } = await runWrangler(["d1", "create", name, ...where, ...common(target)], target.cwd);
  return parseCreatedDatabaseId(stdout);
}

/** `wrangler d1 create` prints a config snippet (TOML or JSON) holding the new id. */
export function parseCreatedDatabaseId(output: string): string {
  const match = /"?database_id"?\s*[:=]\s*"([0-9a-fA-F-]{32,36})"/.exec(output);
  if (!match) throw new Error(`could not find database_id in wrangler output:\n${output}`);
  return match[1];
}

export async function d1Delete(target: WranglerTarget, name: string): Promise<void> {
  await runWrangler(["d1", "delete", name, "--skip-confirmation", ...common(target)], target.cwd);
}

export async function d1MigrationsApply(target: WranglerTarget, name: string): Promise<string> {
  const { stdout } = await runWrangler(
    ["d1", "migrations", "apply", name, ...location(target), ...common(target)],
    target.cwd,
  );
  return stdout;
}

/** Runs SQL (several statements separated by `;` run as one batch). */
export async function d1Execute(target: WranglerTarget, name: string, sql: string): Promise<void> {
  await runWrangler(
    ["d1", "execute", name, "--command", sql, "--yes", ...location(target), ...common(target)],
    target.cwd,
  );
}

/** Runs one SELECT and returns its rows. */
export async function d1Query<Row>(target: WranglerTarget, name: string, sql: string): Promise<Row[]> {
  const { stdout } = await runWrangler(
    ["d1", "execute", name, "--command", sql, "--json", "--yes", ...location(target), ...common(target)],
    target.cwd,
  );
  const results = JSON.parse(stdout.slice(stdout.indexOf("["))) as { results: Row[] }[];
  return results.flatMap((r) => r.results);
}

export async function kvPut(target: WranglerTarget, binding: string, key: string, value: string): Promise<void> {
  await runWrangler(
    ["kv", "key", "put", key, value, "--binding", binding, ...location(target), ...common(target)],
    target.cwd,
  );
}

export async function kvDelete(target: WranglerTarget, binding: string, key: string): Promise<void> {
  await runWrangler(
    ["kv", "key", "delete", key, "--binding", binding, ...location(target), ...common(target)],
    target.cwd,
  );
}

export interface DevOptions {
  configPath: string;
  port: number;
  ip?: string;
  persistTo?: string;
  inspectorPort?: number;
  logLevel?: "debug" | "info" | "log" | "warn" | "error" | "none";
  cwd?: string;
  stdio?: StdioOptions;
  /** Own process group, so `process.kill(-pid)` stops wrangler and workerd together. */
  detached?: boolean;
  /** `--var NAME:value` each (test-only switches). */
  vars?: Record<string, string>;
  /**
   * `--test-scheduled`: also serve `/__scheduled`. Set by `npm start`, which fires the crons itself
   * (./cron.ts), so wrangler's warning that nothing fires them would be wrong there.
   */
  testScheduled?: boolean;
}

/** Starts `wrangler dev` (local mode: workerd with local D1/KV state). */
export function startWranglerDev(options: DevOptions): ChildProcess {
  const args = [
    "dev",
    "--config",
    options.configPath,
    "--port",
    String(options.port),
    "--ip",
    options.ip ?? "127.0.0.1",
  ];
  if (options.persistTo) args.push("--persist-to", options.persistTo);
  if (options.inspectorPort) args.push("--inspector-port", String(options.inspectorPort));
  if (options.logLevel) args.push("--log-level", options.logLevel);
  for (const [name, value] of Object.entries(options.vars ?? {})) args.push("--var", `${name}:${value}`);
  if (options.testScheduled) args.push("--test-scheduled");
  // SEAL_KEYS reaches wrangler dev through its environment (wrangler.toml lists it under
  // [secrets], so dev reads it from there), never its command line, which `ps` shows.
  return spawn(process.execPath, [wranglerEntry(), ...args], {
    cwd: options.cwd,
    env: wranglerEnv({ SEAL_KEYS: localSealKeys() }),
    stdio: options.stdio ?? "inherit",
    detached: options.detached ?? false,
  });
}

/** Path the Worker answers 200 on once it serves requests. */
export const HEALTH_PATH = "/healthz";
const HEALTH_POLL_MS = 250;

/**
 * Resolves once `GET <baseUrl>/healthz` answers 200; rejects if the dev process exits first or
 * the time runs out. `describe` adds context (e.g. the process output) to the error.
 */
export async function waitUntilHealthy(
  baseUrl: string,
  dev: ChildProcess,
  timeoutMs: number,
  describe: () => string = () => "",
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (dev.exitCode !== null || dev.signalCode !== null) {
      throw new Error(
        `wrangler dev exited (${dev.exitCode ?? dev.signalCode}) before ${HEALTH_PATH} answered\n${describe()}`,
      );
    }
    try {
      const response = await fetch(baseUrl + HEALTH_PATH, { signal: AbortSignal.timeout(2_000) });
      if (response.status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, HEALTH_POLL_MS));
  }
  throw new Error(`${HEALTH_PATH} did not answer 200 within ${timeoutMs} ms\n${describe()}`);
}
