/**
 * `npm start` as a newcomer runs it, in a throwaway copy of the project's layout (its own
 * wrangler.toml, .wrangler/ and cells; the code and node_modules are the project's): onboarding
 * into the default cell and into a cell added while it runs, with no restart, each Tenant URL on
 * the port actually served, each cell's cron running, and no tracked file changed.
 */
import { execFile, spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, expect, it } from "vitest";
import { rebasePaths } from "../../src/cli/cell-config.ts";
import { databaseName } from "../../src/cli/names.ts";
import { d1Execute } from "../../src/cli/wrangler.ts";
import { freePort, PROJECT_ROOT } from "./harness.ts";

const id = randomBytes(4).toString("hex");
const dir = path.join(PROJECT_ROOT, ".tmp", `start-${id}`);
const TRACKED = rebasePaths(readFileSync(path.join(PROJECT_ROOT, "wrangler.toml"), "utf8"), PROJECT_ROOT, dir);
const TOKEN = /scim_[A-Za-z0-9_-]{43}/;

let start: ChildProcess;
let output = "";
let port: number;
/** What `tenant add beta --cell eu1` printed (its tokens). */
let betaOutput = "";

async function tenant(...args: string[]) {
  const cli = path.join(PROJECT_ROOT, "src/cli/tenant.ts");
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [cli, ...args], { cwd: dir });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms\n${output.slice(-4000)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const scimStatus = async (url: string, token: string) =>
  (await fetch(`${url}/Users?count=1`, { headers: { authorization: `Bearer ${token}` } })).status;

beforeAll(async () => {
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, "wrangler.toml"), TRACKED);
  port = await freePort();
  start = spawn(process.execPath, [path.join(PROJECT_ROOT, "src/cli/start.ts"), "--port", String(port), "--empty"], {
    cwd: dir,
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  start.stdout!.on("data", (c: Buffer) => (output += c.toString()));
  start.stderr!.on("data", (c: Buffer) => (output += c.toString()));
  await until("npm start ready", async () => (output.includes("Cells served") ? true : undefined), 170_000);
}, 180_000);

afterAll(async () => {
  if (start?.pid && start.exitCode === null) {
    const exited = new Promise((r) => start.once("exit", r));
    process.kill(-start.pid, "SIGTERM");
    await exited;
  }
  rmSync(dir, { recursive: true, force: true });
});

it("serves tenants added to the default cell and to a new cell within seconds, each on its printed port, with no restart", async () => {
  expect(output).toContain(`Demo tenant "demo" is served at http://127.0.0.1:${port}`);
  expect(output).toMatch(new RegExp(`default\\s+http://127\\.0\\.0\\.1:${port}\\s+1 tenant\\(s\\)`));
  expect(output).not.toMatch(/ENOTFOUND|Scheduled Workers are not automatically triggered/);
  const demoToken = TOKEN.exec(output)![0];
  const demoUrl = `http://127.0.0.1:${port}/t/demo/scim/v2`;

  // The demo tenant is served without a failed request while another tenant's binding arrives.
  let running = true;
  const failures: string[] = [];
  let requests = 0;
  const load = (async () => {
    while (running) {
      requests++;
      const status = await scimStatus(demoUrl, demoToken).catch((e: Error) => e.message);
      if (status !== 200) failures.push(String(status));
    }
  })();

  const acme = await tenant("add", "acme");
  const acmeReturned = Date.now();
  expect(acme.code, acme.stderr).toBe(0);
  const acmeUrl = `http://127.0.0.1:${port}/t/acme/scim/v2`;
  expect(acme.stdout).toContain(`Tenant URL    ${acmeUrl}`);
  expect(acme.stdout).toContain("no restart");
  await until(
    "acme answers",
    async () => ((await scimStatus(acmeUrl, TOKEN.exec(acme.stdout)![0])) === 200 ? 1 : undefined),
    30_000,
  );
  const acmeMs = Date.now() - acmeReturned;
  running = false;
  await load;

  expect((await tenant("cell", "add", "eu1", "--host", "scim-eu1.example.com")).code).toBe(0);
  const eu1Port = Number(
    await until(
      "cell eu1 served",
      async () => /Cell "eu1" added: served at http:\/\/127\.0\.0\.1:(\d+)/.exec(output)?.[1],
      150_000,
    ),
  );
  expect(eu1Port).not.toBe(port);
  const beta = await tenant("add", "beta", "--cell", "eu1");
  const betaReturned = Date.now();
  betaOutput = beta.stdout;
  expect(beta.code, beta.stderr).toBe(0);
  const betaUrl = `http://127.0.0.1:${eu1Port}/t/beta/scim/v2`;
  expect(beta.stdout).toContain(`Tenant URL    ${betaUrl}`);
  await until(
    "beta answers",
    async () => ((await scimStatus(betaUrl, TOKEN.exec(beta.stdout)![0])) === 200 ? 1 : undefined),
    30_000,
  );
  const betaMs = Date.now() - betaReturned;
  // Each cell serves only its own tenants, as deployed cells do.
  expect(await scimStatus(`http://127.0.0.1:${port}/t/beta/scim/v2`, TOKEN.exec(beta.stdout)![0])).toBe(401);

  console.log(
    `from \`tenant add\` returning until the tenant answers: acme (default cell) ${acmeMs} ms, beta (new cell eu1) ${betaMs} ms; demo during acme's onboarding: ${requests} requests, ${failures.length} failed`,
  );
  expect(failures).toEqual([]);

  const list = await tenant("list");
  expect(list.stdout).toMatch(new RegExp(`demo\\s+default.*http://127\\.0\\.0\\.1:${port}/t/demo/scim/v2`));
  expect(list.stdout).toMatch(new RegExp(`beta\\s+eu1.*http://127\\.0\\.0\\.1:${eu1Port}/t/beta/scim/v2`));
}, 300_000);

it("refuses, changing nothing, a local slug that exists in any cell, demo included", async () => {
  const local = readFileSync(path.join(dir, "wrangler.local.toml"), "utf8");
  for (const [args, message] of [
    [["add", "demo", "--cell", "eu1"], `"demo" is npm start's own tenant`],
    [["add", "acme", "--cell", "eu1"], 'tenant "acme" already exists in cell "default"'],
    [["add", "beta"], 'tenant "beta" already exists in cell "eu1"'],
  ] as const) {
    const result = await tenant(...args);
    expect(result.code, args.join(" ")).toBe(2);
    expect(result.stderr).toContain(message);
  }
  expect(readFileSync(path.join(dir, "wrangler.local.toml"), "utf8")).toBe(local);
});

it("keeps every local tenant and cell out of the tracked files", () => {
  expect(readFileSync(path.join(dir, "wrangler.toml"), "utf8")).toBe(TRACKED);
  expect(existsSync(path.join(dir, "cells"))).toBe(false);
  expect(readFileSync(path.join(dir, ".wrangler/cells/eu1.toml"), "utf8")).toContain('database_id = "local-scim-beta"');
  expect(readFileSync(path.join(dir, "wrangler.local.toml"), "utf8")).toContain('database_id = "local-scim-acme"');
});

it("runs each cell's cron: an event whose queue send was lost reaches the audit log in both cells", async () => {
  const adminOf = (out: string) => /adm_[A-Za-z0-9_-]{43}/.exec(out)![0];
  const eu1Port = JSON.parse(readFileSync(path.join(dir, ".wrangler/served-ports.json"), "utf8")).cells.eu1;
  const cells = [
    { slug: "demo", config: "wrangler.local.toml", scim: TOKEN.exec(output)![0], admin: adminOf(output), port },
    {
      slug: "beta",
      config: ".wrangler/cells/eu1.toml",
      scim: TOKEN.exec(betaOutput)![0],
      admin: adminOf(betaOutput),
      port: eu1Port,
    },
  ];
  const lost = await Promise.all(
    cells.map(async (c) => {
      const eventId = crypto.randomUUID();
      const at = new Date(Date.now() - 5 * 60_000).toISOString();
      const payload = JSON.stringify({
        kind: "audit",
        id: eventId,
        at,
        actor: "admin",
        action: "settings",
        resourceType: "Tenant",
        resourceId: null,
        detail: { lostSend: true },
      });
      // Committed, never published: what a crash between the commit and the Queue send leaves.
      await d1Execute(
        { configPath: c.config, remote: false, persistTo: ".wrangler/state", cwd: dir },
        databaseName(c.slug),
        `INSERT INTO outbox (id, kind, payload, created) VALUES ('${eventId}', 'audit', '${payload}', '${at}')`,
      );
      // The cron visits the tenants marked as having work; the request whose send was lost would
      // have marked its tenant after its response, and a real write does the same.
      const write = await fetch(`http://127.0.0.1:${c.port}/t/${c.slug}/scim/v2/Users`, {
        method: "POST",
        headers: { authorization: `Bearer ${c.scim}`, "content-type": "application/scim+json" },
        body: JSON.stringify({
          schemas: ["urn:ietf:params:scim:schemas:core:2.0:User"],
          userName: `cron-${eventId}@contoso.com`,
          active: true,
          name: { givenName: "Cron", familyName: "Probe" },
          emails: [{ primary: true, type: "work", value: `cron-${eventId}@contoso.com` }],
        }),
      });
      expect(write.status).toBe(201);
      return { ...c, eventId };
    }),
  );
  await Promise.all(
    lost.map((c) =>
      until(
        `cron of the cell of ${c.slug}`,
        async () => {
          const res = await fetch(
            `http://127.0.0.1:${c.port}/t/${c.slug}/admin/api/audit?resourceType=Tenant&action=settings&limit=50`,
            { headers: { authorization: `Bearer ${c.admin}` } },
          );
          const { entries } = (await res.json()) as { entries: { id: string }[] };
          return entries.some((e) => e.id === c.eventId) ? true : undefined;
        },
        130_000,
      ),
    ),
  );
}, 150_000);
