/**
 * The tenant lifecycle from the command line, against the real Worker under wrangler dev with
 * local state: suspend and resume, export and import through the cell's fleet API, and erase,
 * whose end state (no database file, no binding, no token key, a tombstone) is read from disk
 * and from the local KV, and whose tenant's token then gets the unknown tenant's 401.
 */
import { execFile } from "node:child_process";
import { copyFileSync, cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { localDatabaseFiles } from "../../src/cli/erase.ts";
import { localDatabaseId } from "../../src/cli/names.ts";
import { runWrangler } from "../../src/cli/wrangler.ts";
import { sha256Hex } from "../../src/tenants/tokens.ts";
import { type Blackbox, PROJECT_ROOT, type RunningWorker, startBlackbox, startWorker } from "./harness.ts";

const OPERATOR = "fleet-blackbox-operator-token-0123456789";
let box: Blackbox;
let restarted: RunningWorker | undefined;
let vars: Record<string, string>;
const work = mkdtempSync(path.join(tmpdir(), "scim-fleet-"));
const state2 = path.join(work, "state");
const config2 = path.join(PROJECT_ROOT, `wrangler.blackbox.fleet-${path.basename(work)}.toml`);

beforeAll(async () => {
  vars = { FLEET_TOKEN_SHA256: await sha256Hex(OPERATOR) };
  box = await startBlackbox({ otherTenants: 1, vars });
});
afterAll(async () => {
  await restarted?.stop();
  await box?.stop();
  rmSync(work, { recursive: true, force: true });
  rmSync(config2, { force: true });
});

async function tenant(args: string[], token: string | null = OPERATOR) {
  const all = ["src/cli/tenant.ts", ...args, "--config", box.configPath, "--persist-to", box.persistTo];
  const env: Record<string, string | undefined> = { ...process.env, FLEET_TOKEN: token ?? undefined };
  if (token === null) delete env.FLEET_TOKEN;
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [...all, "--url-base", box.baseUrl], {
      cwd: PROJECT_ROOT,
      env,
    });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

const scim = (base: string, slug: string, token: string, p: string, init: RequestInit = {}) =>
  fetch(`${base}/t/${slug}/scim/v2${p}`, {
    ...init,
    headers: { authorization: `Bearer ${token}`, "content-type": "application/scim+json" },
  });
const user = {
  schemas: ["urn:ietf:params:scim:schemas:core:2.0:User"],
  userName: "lifecycle@contoso.com",
  externalId: "ext-lifecycle",
  active: true,
  name: { givenName: "Life", familyName: "Cycle" },
  emails: [{ primary: true, type: "work", value: "lifecycle@contoso.com" }],
};

describe("tenant lifecycle from the CLI", () => {
  it("suspend and resume, export and import into a new tenant", async () => {
    const created = await scim(box.baseUrl, box.slug, box.scimToken, "/Users", {
      method: "POST",
      body: JSON.stringify(user),
    });
    expect(created.status).toBe(201);
    const { id } = (await created.json()) as { id: string };

    expect((await tenant(["suspend", box.slug])).code).toBe(2); // no --reason
    expect((await tenant(["suspend", box.slug, "--reason", "Contract ended"], null)).code).toBe(2);
    const wrong = await tenant(["suspend", box.slug, "--reason", "x"], "not-the-token");
    expect([wrong.code, wrong.stderr]).toEqual([1, expect.stringMatching(/401 A vendor operator token is required/)]);
    expect((await scim(box.baseUrl, box.slug, box.scimToken, `/Users/${id}`)).status).toBe(200);

    expect((await tenant(["suspend", box.slug, "--reason", "Contract ended"])).code).toBe(0);
    const refused = await scim(box.baseUrl, box.slug, box.scimToken, `/Users/${id}`);
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as { detail: string }).detail).toMatch(/suspended.*Contract ended/);
    expect((await tenant(["resume", box.slug])).code).toBe(0);
    const back = await scim(box.baseUrl, box.slug, box.scimToken, `/Users/${id}`);
    expect(back.status).toBe(200);
    const original = await back.text();

    const file = path.join(work, "export.ndjson");
    const exported = await tenant(["export", box.slug, "--out", file]);
    expect(exported.code).toBe(0);
    expect(readFileSync(file, "utf8")).toContain("lifecycle@contoso.com");
    const other = box.others[0];
    const imported = await tenant(["import", other.slug, "--file", file]);
    expect(imported.code).toBe(0);
    const copy = await scim(box.baseUrl, other.slug, other.scimToken, `/Users/${id}`);
    expect(copy.status).toBe(200);
    expect((await copy.text()).replaceAll(`/t/${other.slug}/`, "/t/x/")).toBe(
      original.replaceAll(`/t/${box.slug}/`, "/t/x/"),
    );
  });

  it("erase takes two steps; then no file, binding or token key of the tenant is left, and its token gets the unknown tenant's 401", async () => {
    const other = box.others[0];
    const files = localDatabaseFiles(box.persistTo, localDatabaseId(other.slug));
    expect(existsSync(files[0])).toBe(true);

    const plan = await tenant(["erase", other.slug]);
    expect(plan.code).toBe(0);
    expect(plan.stdout).toMatch(/would:[\s\S]*delete the database's files[\s\S]*--confirm/);
    expect((await tenant(["erase", other.slug, "--confirm", box.slug])).code).toBe(2);
    expect(existsSync(files[0])).toBe(true);
    expect(readFileSync(box.configPath, "utf8")).toContain(`"TENANT_${other.slug.toUpperCase().replaceAll("-", "_")}"`);

    const erased = await tenant(["erase", other.slug, "--confirm", other.slug]);
    expect(erased.code).toBe(0);
    expect(files.filter((f) => existsSync(f))).toEqual([]);
    expect(readFileSync(box.configPath, "utf8")).not.toContain(
      `TENANT_${other.slug.toUpperCase().replaceAll("-", "_")}`,
    );
    const { stdout } = await runWrangler(
      [
        "kv",
        "key",
        "list",
        "--binding",
        "TOKENS",
        "--local",
        "--persist-to",
        box.persistTo,
        "--config",
        box.configPath,
      ],
      PROJECT_ROOT,
    );
    const keys = (JSON.parse(stdout.slice(stdout.indexOf("["))) as { name: string }[]).map((k) => k.name);
    for (const t of [other.scimToken, other.adminToken]) expect(keys).not.toContain(`token:${await sha256Hex(t)}`);
    expect(keys).toContain(`tombstone:${other.slug}`);
    expect(keys.some((k) => k.startsWith("fleet-audit:"))).toBe(true);

    // The cell's Worker restarted without the binding: the erased tenant is an unknown tenant.
    // (The harness's stop deletes its files, so the restart runs on a copy of them.)
    cpSync(box.persistTo, state2, { recursive: true });
    copyFileSync(box.configPath, config2);
    await box.stop();
    restarted = await startWorker({ configPath: config2, persistTo: state2, vars });
    const erasedAnswer = await scim(restarted.baseUrl, other.slug, other.scimToken, "/Users");
    const unknown = await scim(restarted.baseUrl, "never-was", other.scimToken, "/Users");
    expect(erasedAnswer.status).toBe(401);
    expect(await erasedAnswer.text()).toBe(await unknown.text());
    expect((await scim(restarted.baseUrl, box.slug, box.scimToken, "/Users")).status).toBe(200);
  });
});
