/**
 * Black-box harness: the real Worker under `wrangler dev` (workerd, local D1/KV) on a free
 * loopback port, with one freshly onboarded tenant. Used by the black-box suites and the bench.
 *
 * Each run gets its own config copy in the project root (so `main`, `migrations_dir` and other
 * relative paths still hold; `wrangler.*.toml` is gitignored) and its own temporary state dir, so
 * several suites can run at once and none touches `.wrangler/state` or wrangler.toml.
 */
import type { ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import type { Server as HttpServer } from "node:http";
import { type AddressInfo, createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { adminApiUrl, tenantUrl } from "../../src/cli/names.ts";
import { addTenant } from "../../src/cli/tenants.ts";
import { startWranglerDev, waitUntilHealthy, type WranglerTarget } from "../../src/cli/wrangler.ts";

export const PROJECT_ROOT = path.resolve(import.meta.dirname, "../..");
export const LOOPBACK = "127.0.0.1";

/** Starts and stops a local HTTP server on a free loopback port (an event receiver, a JWKS host). */
export function onLoopback(server: HttpServer) {
  return {
    listen: () =>
      new Promise<string>((ok) =>
        server.listen(0, LOOPBACK, () => ok(`http://${LOOPBACK}:${(server.address() as AddressInfo).port}`)),
      ),
    close: () => new Promise<void>((ok) => server.close(() => ok())),
  };
}
/** The first `wrangler dev` builds the bundle and boots workerd; a cold start takes ~5-20 s here. */
const READY_TIMEOUT_MS = 90_000;
const STOP_GRACE_MS = 5_000;
/** Keep the tail of wrangler's output for error messages (it never sees a token). */
const OUTPUT_TAIL_CHARS = 8_000;

export interface Blackbox {
  slug: string;
  port: number;
  /** `http://127.0.0.1:<port>` */
  baseUrl: string;
  /** `<baseUrl>/t/<slug>/scim/v2` */
  tenantUrl: string;
  /** `<baseUrl>/t/<slug>/admin/api` */
  adminApiUrl: string;
  scimToken: string;
  adminToken: string;
  /** Further tenants onboarded before the start (`BlackboxOptions.otherTenants`). */
  others: { slug: string; scimToken: string; adminToken: string }[];
  /** Absolute path of the config copy wrangler dev runs with. */
  configPath: string;
  persistTo: string;
  /** Recent wrangler dev output, for diagnosing a failure. */
  output(): string;
  stop(): Promise<void>;
}

export interface BlackboxOptions {
  /** Tenant slug to onboard (default: a random `bb-xxxxxxxx`). */
  slug?: string;
  logLevel?: "debug" | "info" | "log" | "warn" | "error" | "none";
  /** Edits the config copy's text before the tenant is onboarded (bindings, vars). */
  configure?: (toml: string) => string;
  /** Every chunk of wrangler dev's output, for suites that read what it logs (e.g. sent mail). */
  onOutput?: (chunk: string) => void;
  /** How many more tenants to onboard (random slugs), e.g. for cross-tenant checks. */
  otherTenants?: number;
  /** `wrangler dev --var` values, e.g. `{ ACTIVITY: "off" }`. */
  vars?: Record<string, string>;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, LOOPBACK, () => {
      const address = server.address();
      server.close(() =>
        typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port")),
      );
    });
  });
}

function stopGroup(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return resolve();
    const pid = child.pid;
    const kill = (signal: NodeJS.Signals) => {
      try {
        process.kill(-pid, signal);
      } catch {
        // the group is already gone
      }
    };
    const timer = setTimeout(() => kill("SIGKILL"), STOP_GRACE_MS);
    child.once("exit", () => {
      clearTimeout(timer);
      resolve();
    });
    kill("SIGTERM");
  });
}

/**
 * For `configure`: the config copy runs the test Worker entry (test/worker-entry/), the production
 * Worker with the test clock route in front. Copies sit in the project root, hence the path.
 */
export const runTestEntry = (toml: string) => {
  if (!/^main = .*$/m.test(toml)) throw new Error("wrangler.toml has no `main` line to point at the test entry");
  return toml.replace(/^main = .*$/m, 'main = "test/worker-entry/index.ts"');
};

/** Onboards a fresh tenant into a config copy and starts `wrangler dev` on it. */
export async function startBlackbox(options: BlackboxOptions = {}): Promise<Blackbox> {
  const slug = options.slug ?? `bb-${randomBytes(4).toString("hex")}`;
  const configPath = path.join(PROJECT_ROOT, `wrangler.blackbox.${slug}.toml`);
  const persistTo = mkdtempSync(path.join(tmpdir(), "scim-blackbox-"));
  const cleanFiles = () => {
    rmSync(configPath, { force: true });
    rmSync(persistTo, { recursive: true, force: true });
  };

  let child: ChildProcess | undefined;
  const killOnExit = () => child?.pid && safeKill(-child.pid);
  try {
    copyFileSync(path.join(PROJECT_ROOT, "wrangler.toml"), configPath);
    if (options.configure) writeFileSync(configPath, options.configure(readFileSync(configPath, "utf8")));
    const target: WranglerTarget = { configPath, remote: false, persistTo, cwd: PROJECT_ROOT };
    const { scim, admin } = await addTenant(target, slug);
    const others: Blackbox["others"] = [];
    for (let i = 0; i < (options.otherTenants ?? 0); i++) {
      const other = `bb-${randomBytes(4).toString("hex")}`;
      const tokens = await addTenant(target, other);
      others.push({ slug: other, scimToken: tokens.scim.token, adminToken: tokens.admin.token });
    }

    const worker = await startWorker({ ...options, configPath, persistTo });
    child = worker.child;
    const { port, baseUrl } = worker;
    process.once("exit", killOnExit);

    const running = child;
    return {
      slug,
      port,
      baseUrl,
      tenantUrl: tenantUrl(baseUrl, slug),
      adminApiUrl: adminApiUrl(baseUrl, slug),
      scimToken: scim.token,
      adminToken: admin.token,
      others,
      configPath,
      persistTo,
      output: worker.output,
      async stop() {
        await stopGroup(running);
        process.removeListener("exit", killOnExit);
        cleanFiles();
      },
    };
  } catch (error) {
    if (child) await stopGroup(child);
    process.removeListener("exit", killOnExit);
    cleanFiles();
    throw error;
  }
}

export interface RunningWorker {
  child: ChildProcess;
  port: number;
  baseUrl: string;
  output(): string;
  /** Stops wrangler and workerd (the files stay). */
  stop(): Promise<void>;
}

/** `wrangler dev` of a config already in place, on a free loopback port, once /healthz answers. */
export async function startWorker(options: {
  configPath: string;
  persistTo: string;
  logLevel?: BlackboxOptions["logLevel"];
  vars?: Record<string, string>;
  onOutput?: (chunk: string) => void;
}): Promise<RunningWorker> {
  const [port, inspectorPort] = [await freePort(), await freePort()];
  const baseUrl = `http://${LOOPBACK}:${port}`;
  const child = startWranglerDev({
    configPath: options.configPath,
    port,
    ip: LOOPBACK,
    persistTo: options.persistTo,
    inspectorPort,
    logLevel: options.logLevel ?? "warn",
    cwd: PROJECT_ROOT,
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
    vars: options.vars,
  });
  let output = "";
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-OUTPUT_TAIL_CHARS);
    options.onOutput?.(chunk.toString());
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  try {
    await waitUntilHealthy(baseUrl, child, READY_TIMEOUT_MS, () => output);
  } catch (error) {
    await stopGroup(child);
    throw error;
  }
  return { child, port, baseUrl, output: () => output, stop: () => stopGroup(child) };
}

function safeKill(pid: number): void {
  try {
    process.kill(pid, "SIGKILL");
  } catch {
    // already gone
  }
}

/** `fetch` against the tenant's SCIM base with its bearer token. */
export function scimFetch(box: Blackbox, pathAndQuery: string, init: RequestInit = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  if (!headers.has("authorization")) headers.set("authorization", `Bearer ${box.scimToken}`);
  if (init.body !== undefined && !headers.has("content-type")) headers.set("content-type", "application/scim+json");
  return fetch(`${box.tenantUrl}${pathAndQuery}`, { ...init, headers });
}
