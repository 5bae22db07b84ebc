/**
 * A local tenant's placeholder database id (`local-scim-<slug>`) must never be deployed: the remote
 * deploy refuses it before it creates or uploads anything, and the dry run warns. No account is
 * reachable here, so the refusal is shown by what the command prints and by the files it leaves
 * as they were (the first remote step would write the token namespace's id into them).
 */
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, expect, it } from "vitest";
import { addTenantBlock } from "../../src/cli/config-file.ts";
import { PROJECT_ROOT } from "./harness.ts";

const id = randomBytes(4).toString("hex");
const config = `wrangler.deploycheck-${id}.toml`;
const cells = path.join(".tmp", `deploycheck-${id}`, "cells");
const TEXT = addTenantBlock(readFileSync(path.join(PROJECT_ROOT, "wrangler.toml"), "utf8"), "acme", "local-scim-acme");

async function run(script: string, ...args: string[]) {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [script, ...args], { cwd: PROJECT_ROOT });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

beforeAll(() => {
  mkdirSync(path.join(PROJECT_ROOT, cells), { recursive: true });
  writeFileSync(path.join(PROJECT_ROOT, config), TEXT);
});
afterAll(() => {
  rmSync(path.join(PROJECT_ROOT, config), { force: true });
  rmSync(path.join(PROJECT_ROOT, ".tmp", `deploycheck-${id}`), { recursive: true, force: true });
});

it("refuses a remote deploy of a local placeholder database id before any step, naming the tenant and the fix", async () => {
  const deploy = await run("src/cli/deploy.ts", "--remote", "--config", config, "--cells", cells);
  expect(deploy.code).toBe(1);
  expect(deploy.stderr).toContain("refusing to deploy: 1 tenant(s) are bound to local placeholder database ids");
  expect(deploy.stderr).toContain(`acme in cell "default" (${config}): database_id = "local-scim-acme"`);
  expect(deploy.stderr).toContain("npm run tenant -- add <slug> --remote");
  expect(deploy.stdout).not.toContain("1. Token index");
  expect(readFileSync(path.join(PROJECT_ROOT, config), "utf8")).toBe(TEXT);

  // Onboarding remotely into that cell would deploy it too: refused before a database is created.
  const add = await run("src/cli/tenant.ts", "add", "beta", "--remote", "--config", config, "--cells", cells);
  expect(add.code).toBe(1);
  expect(add.stderr).toContain("refusing to deploy");
  expect(readFileSync(path.join(PROJECT_ROOT, config), "utf8")).toBe(TEXT);
});

it("warns in the dry run", async () => {
  const dry = await run("src/cli/deploy.ts", "--dry-run", "--config", config, "--cells", cells);
  expect(dry.code, dry.stderr).toBe(0);
  expect(dry.stdout).toContain("warning: 1 tenant(s) are bound to local placeholder database ids");
  expect(dry.stdout).toContain("A deploy with --remote refuses this.");
  expect(dry.stdout).toContain("Dry run complete.");
});
