/**
 * The Worker under `wrangler dev` for the bench: a thin wrapper around the black-box harness's
 * pieces (config copy in the project root, private persist dir, tenants onboarded with the CLI,
 * free port, /healthz wait) that also
 * - serves the bench's own Worker entry (worker/index.ts: the production Worker with the
 *   baseline routes of worker/routes.ts in front; the deployed Worker has no such route), named
 *   as `main` in the bench's config copy, with `--log-level warn`,
 * - serves a bundle built once at the start (`--no-bundle`), so that others' edits to src/
 *   during a run do not restart workerd, and
 * - lets the caller seed tenant databases in bulk (`wrangler d1 execute --local --file`) BEFORE
 *   workerd runs.
 * The harness's startBlackbox takes no extra wrangler flags and starts at once, hence this file.
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import path from "node:path";
import { databaseName } from "../../src/cli/names.ts";
import { addTenant } from "../../src/cli/tenants.ts";
import { runWrangler, WRANGLER_ENV, waitUntilHealthy, type WranglerTarget } from "../../src/cli/wrangler.ts";
import { freePort, LOOPBACK, PROJECT_ROOT } from "../blackbox/harness.ts";

const READY_TIMEOUT_MS = 120_000;
const STOP_GRACE_MS = 5_000;
const OUTPUT_TAIL_CHARS = 8_000;
const BUILD_ATTEMPTS = 12;
const BUILD_RETRY_MS = 10_000;
/** The bench's Worker entry, and the module that wraps any copy of src/ with the baseline routes. */
const BENCH_ENTRY = path.join(PROJECT_ROOT, "test/bench/worker/index.ts");
const BENCH_WRAP = path.join(PROJECT_ROOT, "test/bench/worker/wrap.ts");

export interface BenchTenant {
  slug: string;
  scimToken: string;
  /** The tenant's admin API token (for benches that configure the tenant first, e.g. an event endpoint). */
  adminToken: string;
  /** `<baseUrl>/t/<slug>/scim/v2` once the server runs; the path part before. */
  scimPath: string;
}

/** Config copy + local state with onboarded tenants; the Worker is not running yet. */
export interface BenchState {
  configPath: string;
  persistTo: string;
  /** The Worker bundled once at the start (see snapshotBundle). */
  script: string;
  target: WranglerTarget;
  tenants: Map<string, BenchTenant>;
  cleanup(): void;
}

export interface BenchServer {
  baseUrl: string;
  port: number;
  /** wrangler's inspector proxy (Chrome DevTools protocol) for the Worker's isolate. */
  inspectorPort: number;
  /** pid of the wrangler (node) process; its process group holds workerd too. */
  wranglerPid: number;
  output(): string;
  stop(): Promise<void>;
}

/** Onboards each slug with the tenant CLI into a private config copy and state dir. */
/** What to bundle: the working tree (default), a git revision, or another copy of src/ (e.g. a patched one). */
export interface CodeChoice {
  rev?: string;
  srcDir?: string;
}

export async function prepareState(slugs: string[], tag: string, code: CodeChoice = {}): Promise<BenchState> {
  const configPath = path.join(PROJECT_ROOT, `wrangler.bench.${tag}.toml`);
  const persistTo = mkdtempSync(path.join(tmpdir(), "scim-bench-"));
  const buildDir = mkdtempSync(path.join(tmpdir(), "scim-bench-build-"));
  const cleanup = () => {
    rmSync(configPath, { force: true });
    rmSync(persistTo, { recursive: true, force: true });
    rmSync(buildDir, { recursive: true, force: true });
  };
  process.once("exit", cleanup);
  const config = readFileSync(path.join(PROJECT_ROOT, "wrangler.toml"), "utf8");
  if (!/^main = .*$/m.test(config)) throw new Error("wrangler.toml has no `main` line to point at the bench entry");
  writeFileSync(
    configPath,
    config.replace(/^main = .*$/m, `main = ${JSON.stringify(path.relative(PROJECT_ROOT, BENCH_ENTRY))}`),
  );
  const target: WranglerTarget = { configPath, remote: false, persistTo, cwd: PROJECT_ROOT };
  const tenants = new Map<string, BenchTenant>();
  let script: string;
  try {
    script = await snapshotBundle(configPath, buildDir, code);
    // Sequential: every onboarding rewrites the same config file.
    for (const slug of slugs) {
      const { scim, admin } = await addTenant(target, slug);
      tenants.set(slug, { slug, scimToken: scim.token, adminToken: admin.token, scimPath: `/t/${slug}/scim/v2` });
    }
  } catch (e) {
    cleanup();
    throw e;
  }
  return { configPath, persistTo, script, target, tenants, cleanup };
}

/**
 * Bundles the Worker once (`wrangler deploy --dry-run --outdir`) and serves that file with
 * `--no-bundle`: `wrangler dev` on src/ would rebuild and restart workerd whenever anyone saves a
 * source file during the run (stalls, and a mix of code versions in one set of figures).
 * With `rev`, the sources are that commit's (`git archive`), built against this node_modules.
 * The working tree may be mid-edit, so a failed build is retried for a while.
 */
async function snapshotBundle(configPath: string, buildDir: string, { rev, srcDir }: CodeChoice): Promise<string> {
  let entry = BENCH_ENTRY;
  let srcCopy: string | undefined;
  if (rev || srcDir) {
    srcCopy = path.join(PROJECT_ROOT, ".tmp", `bench-src-${path.basename(buildDir)}`);
    mkdirSync(srcCopy, { recursive: true });
    let src = srcDir ? path.resolve(srcDir) : "";
    if (rev) {
      execFileSync("sh", ["-c", `git archive "$0" src | tar -x -C "$1"`, rev, srcCopy], {
        cwd: PROJECT_ROOT,
        stdio: ["ignore", "ignore", "inherit"],
      });
      src = path.join(srcCopy, "src");
    }
    entry = path.join(srcCopy, "index.ts");
    writeFileSync(entry, wrappingEntry(path.join(src, "index.ts")));
  }
  try {
    for (let attempt = 1; ; attempt++) {
      try {
        await runWrangler(["deploy", entry, "--dry-run", "--outdir", buildDir, "--config", configPath], PROJECT_ROOT);
        break;
      } catch (e) {
        if (rev || srcDir || attempt >= BUILD_ATTEMPTS) throw e;
        console.warn(
          `[bench] the Worker does not build right now (someone mid-edit?); retrying in ${BUILD_RETRY_MS / 1000} s\n${String(e).split("\n").slice(0, 8).join("\n")}`,
        );
        await new Promise((r) => setTimeout(r, BUILD_RETRY_MS));
      }
    }
  } finally {
    if (srcCopy) rmSync(srcCopy, { recursive: true, force: true });
  }
  const script = path.join(buildDir, "index.js");
  if (!existsSync(script)) throw new Error(`wrangler deploy --dry-run wrote no ${script}`);
  return script;
}

/** Like worker/index.ts, for another copy of src/ (a revision's index.ts may still have its own /bench routes). */
const wrappingEntry = (srcIndex: string) =>
  [
    `import worker from ${JSON.stringify(srcIndex)};`,
    `import { benchWorker } from ${JSON.stringify(BENCH_WRAP)};`,
    `export * from ${JSON.stringify(srcIndex)};`,
    "export default benchWorker(worker);",
    "",
  ].join("\n");

/** What was measured: a commit, or the working tree on top of one (with its modified files under src/). */
export function codeVersion({ rev, srcDir }: CodeChoice): string {
  const git = (...a: string[]) => execFileSync("git", a, { cwd: PROJECT_ROOT, encoding: "utf8" }).trim();
  if (srcDir) return `sources in ${srcDir}`;
  try {
    if (rev) return `git ${rev} (${git("rev-parse", "--short", rev)})`;
    const head = git("rev-parse", "--short", "HEAD");
    const dirty = git("status", "--porcelain", "--", "src").split("\n").filter(Boolean).length;
    return `working tree at ${head}${dirty ? ` + ${dirty} uncommitted change(s) under src/` : ""}`;
  } catch {
    return "unknown (no git)";
  }
}

/** Runs an SQL file against a tenant's local D1 (the Worker must not be running on this state). */
export async function executeSqlFile(state: BenchState, slug: string, file: string): Promise<void> {
  await runWrangler(
    [
      "d1",
      "execute",
      databaseName(slug),
      "--file",
      file,
      "--yes",
      "--local",
      "--persist-to",
      state.persistTo,
      "--config",
      state.configPath,
    ],
    PROJECT_ROOT,
  );
}

function wranglerEntry(): string {
  const packageJson = createRequire(import.meta.url).resolve("wrangler/package.json");
  return path.join(path.dirname(packageJson), "bin", "wrangler.js");
}

/** `wrangler dev --no-bundle --log-level warn` (and `vars` as --var) on the bundle, a free loopback port, own process group. */
export async function startServer(state: BenchState, vars: Record<string, string> = {}): Promise<BenchServer> {
  const [port, inspectorPort] = [await freePort(), await freePort()];
  const baseUrl = `http://${LOOPBACK}:${port}`;
  const args = [
    wranglerEntry(),
    "dev",
    state.script,
    "--no-bundle",
    "--config",
    state.configPath,
    "--port",
    String(port),
    "--ip",
    LOOPBACK,
    "--persist-to",
    state.persistTo,
    "--inspector-port",
    String(inspectorPort),
    "--log-level",
    "warn",
    ...Object.entries(vars).flatMap(([k, v]) => ["--var", `${k}:${v}`]),
  ];
  const child: ChildProcess = spawn(process.execPath, args, {
    cwd: PROJECT_ROOT,
    env: { ...process.env, ...WRANGLER_ENV },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  let output = "";
  const keep = (chunk: Buffer) => (output = (output + chunk.toString()).slice(-OUTPUT_TAIL_CHARS));
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  const killOnExit = () => child.pid && killGroup(child.pid, "SIGKILL");
  process.once("exit", killOnExit);
  try {
    await waitUntilHealthy(baseUrl, child, READY_TIMEOUT_MS, () => output);
  } catch (e) {
    await stopChild(child);
    throw e;
  }
  return {
    baseUrl,
    port,
    inspectorPort,
    wranglerPid: child.pid as number,
    output: () => output,
    async stop() {
      await stopChild(child);
      process.removeListener("exit", killOnExit);
    },
  };
}

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // already gone
  }
}

function stopChild(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return resolve();
    const pid = child.pid;
    const timer = setTimeout(() => killGroup(pid, "SIGKILL"), STOP_GRACE_MS);
    child.once("exit", () => {
      clearTimeout(timer);
      // workerd may outlive wrangler for a moment; make sure the group is gone.
      setTimeout(() => {
        killGroup(pid, "SIGKILL");
        resolve();
      }, 200);
    });
    killGroup(pid, "SIGTERM");
  });
}
