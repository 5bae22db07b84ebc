/**
 * The tenant command: its config-file editing and token records as pure functions, then the
 * real command (Node 22 + wrangler, local state) against a throwaway copy of wrangler.toml.
 */
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addTenantBlock, listTenantBindings, removeTenantBlock } from "../../src/cli/config-file.ts";
import { replaceTokensSql } from "../../src/cli/tokens.ts";
import { isTenantSlug, tenantBinding } from "../../src/tenants/slug.ts";
import { mintToken, sha256Hex, tokenKvValue } from "../../src/tenants/tokens.ts";
import { currentTokens } from "../../src/cli/tenants.ts";
import { d1Query, parseCreatedDatabaseId } from "../../src/cli/wrangler.ts";
import { databaseName } from "../../src/cli/names.ts";
import { localOnlyVars } from "../../src/cli/local-only-vars.ts";

const ROOT = path.resolve(import.meta.dirname, "../..");

const BASE = `name = "x"
main = "src/index.ts"
compatibility_flags = [
  "nodejs_compat",
]

[[kv_namespaces]]
binding = "TOKENS"
id = "0"

[[d1_databases]]
binding = "OTHER"
database_name = "other"
database_id = "1"

# Tenant databases
`;

describe("config file blocks", () => {
  it("appends, lists and removes tenant blocks, leaving every other line alone", () => {
    const one = addTenantBlock(BASE, "acme", "local-scim-acme");
    const two = addTenantBlock(one, "big-co", "abc");
    expect(listTenantBindings(two)).toEqual([
      {
        slug: "acme",
        binding: "TENANT_ACME",
        databaseName: "scim-acme",
        databaseId: "local-scim-acme",
        migrationsDir: "drizzle",
      },
      {
        slug: "big-co",
        binding: "TENANT_BIG_CO",
        databaseName: "scim-big-co",
        databaseId: "abc",
        migrationsDir: "drizzle",
      },
    ]);
    expect(removeTenantBlock(removeTenantBlock(two, "acme"), "big-co")).toBe(BASE);
    expect(removeTenantBlock(two, "big-co")).toBe(one);
    expect(removeTenantBlock(two, "acme")).toBe(addTenantBlock(BASE, "big-co", "abc"));
  });

  it("keeps comments that introduce the next table when removing a block", () => {
    const text = addTenantBlock(BASE, "acme", "id") + '\n# queues\n[[queues.producers]]\nbinding = "EVENTS"\n';
    expect(removeTenantBlock(text, "acme")).toBe(
      BASE.trimEnd() + '\n\n# queues\n[[queues.producers]]\nbinding = "EVENTS"\n',
    );
  });

  it("refuses a duplicate slug and ignores d1 blocks that are not tenants", () => {
    const one = addTenantBlock(BASE, "acme", "id");
    expect(() => addTenantBlock(one, "acme", "id")).toThrow(/already/);
    expect(() => removeTenantBlock(one, "other")).toThrow(/no binding/);
    expect(listTenantBindings(BASE)).toEqual([]);
  });
});

describe("names and tokens", () => {
  it("validates slugs as the Worker does", () => {
    for (const ok of ["a", "acme", "big-co-2", "a".repeat(40)]) expect(isTenantSlug(ok)).toBe(true);
    for (const bad of ["", "-a", "a-", "a--b", "Acme", "a_b", "a".repeat(41)]) expect(isTenantSlug(bad)).toBe(false);
    expect(tenantBinding("big-co")).toBe("TENANT_BIG_CO");
  });

  it("mints prefixed 32-byte tokens and stores only their hashes", async () => {
    const token = await mintToken("scim");
    expect(token.token).toMatch(/^scim_[A-Za-z0-9_-]{43}$/);
    expect((await mintToken("admin")).token).toMatch(/^adm_[A-Za-z0-9_-]{43}$/);
    expect(token.hash).toBe(await sha256Hex(token.token));
    const sql = replaceTokensSql([token]);
    expect(sql).not.toContain(token.token);
    expect(sql).toMatch(
      /^UPDATE tokens SET revoked = '.+' WHERE scope = 'scim' AND revoked IS NULL AND name IS NULL; INSERT INTO tokens/,
    );
    expect(JSON.parse(tokenKvValue("acme", token))).toEqual({ tenant: "acme", tokenId: token.id, scope: "scim" });
  });

  it("reads the database id from `wrangler d1 create` output", () => {
    const id = "0b3f2a8e-1111-4c2b-9d5e-123456789abc";
    expect(
      parseCreatedDatabaseId(`[[d1_databases]]\nbinding = "DB"\ndatabase_name = "scim-a"\ndatabase_id = "${id}"\n`),
    ).toBe(id);
    expect(parseCreatedDatabaseId(`{ "d1_databases": [ { "database_id": "${id}" } ] }`)).toBe(id);
  });
});

describe("local-only variables", () => {
  it("finds the variables a deploy must not carry, and nothing in wrangler.toml", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "scim-vars-"));
    const file = path.join(dir, "cell.toml");
    try {
      writeFileSync(
        file,
        '[vars]\nMAILER = "outbox"\nSIGNIN_ALLOW_LOOPBACK_HTTP = "1"\nMICROSOFT_AUTHORITY = "http://127.0.0.1:9"\n',
      );
      expect(localOnlyVars([file])).toEqual([
        `${file}: SIGNIN_ALLOW_LOOPBACK_HTTP = "1"`,
        `${file}: MICROSOFT_AUTHORITY = "http://127.0.0.1:9"`,
      ]);
      expect(localOnlyVars([path.join(ROOT, "wrangler.toml")])).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("npm run tenant (local)", () => {
  const config = `wrangler.clitest-${randomBytes(4).toString("hex")}.toml`;
  const configPath = path.join(ROOT, config);
  const persistTo = mkdtempSync(path.join(tmpdir(), "scim-cli-"));
  const target = { configPath: config, remote: false, persistTo, cwd: ROOT };

  /** The command exactly as `npm run tenant` runs it (this test runs on the project's Node 22). */
  async function tenant(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    const all = ["src/cli/tenant.ts", ...args, "--config", config, "--persist-to", persistTo];
    try {
      const { stdout, stderr } = await promisify(execFile)(process.execPath, all, { cwd: ROOT });
      return { code: 0, stdout, stderr };
    } catch (error) {
      const e = error as { code: number; stdout: string; stderr: string };
      return { code: e.code, stdout: e.stdout, stderr: e.stderr };
    }
  }

  beforeAll(() => copyFileSync(path.join(ROOT, "wrangler.toml"), configPath));
  afterAll(() => {
    rmSync(configPath, { force: true });
    rmSync(persistTo, { recursive: true, force: true });
  });

  it("adds a tenant once, prints its URL and tokens, and stores only hashes", async () => {
    const added = await tenant("add", "cli-test");
    expect(added.code).toBe(0);
    expect(added.stdout).toContain("http://127.0.0.1:8787/t/cli-test/scim/v2");
    const scim = /scim_[A-Za-z0-9_-]{43}/.exec(added.stdout)![0];
    const admin = /adm_[A-Za-z0-9_-]{43}/.exec(added.stdout)![0];
    const rows = await currentTokens(target, "cli-test");
    expect(rows.map((r) => [r.scope, r.hash]).sort()).toEqual([
      ["admin", await sha256Hex(admin)],
      ["scim", await sha256Hex(scim)],
    ]);

    const before = readFileSync(configPath, "utf8");
    const again = await tenant("add", "cli-test");
    expect(again.code).toBe(2);
    expect(again.stderr).toContain("already exists");
    expect(readFileSync(configPath, "utf8")).toBe(before);
    expect((await tenant("list")).stdout).toContain("TENANT_CLI_TEST");
  });

  it("rotates one scope: a new current row, the old one revoked", async () => {
    const before = await currentTokens(target, "cli-test");
    const rotated = await tenant("rotate-token", "cli-test");
    expect(rotated.code).toBe(0);
    const token = /scim_[A-Za-z0-9_-]{43}/.exec(rotated.stdout)![0];
    const after = await currentTokens(target, "cli-test");
    expect(after.find((r) => r.scope === "scim")!.hash).toBe(await sha256Hex(token));
    expect(after.find((r) => r.scope === "admin")).toEqual(before.find((r) => r.scope === "admin"));
    expect(after).toHaveLength(2);
  });

  it("prints a single-use setup link, storing only its hash and auditing it; refuses a bad role", async () => {
    const printed = await tenant(
      "link",
      "cli-test",
      "--role",
      "viewer",
      "--email",
      "Ada@Contoso.com",
      "--minutes",
      "5",
    );
    expect(printed.code).toBe(0);
    const secret = /\/t\/cli-test\/admin\/setup\?link=(scimsl_[A-Za-z0-9_-]{43})/.exec(printed.stdout)![1];
    const rows = await d1Query<{ role: string; email: string; hash: string }>(
      target,
      databaseName("cli-test"),
      "SELECT role, email, hash FROM setup_links",
    );
    expect(rows).toEqual([{ role: "viewer", email: "ada@contoso.com", hash: await sha256Hex(secret) }]);
    const audit = await d1Query<{ payload: string }>(target, databaseName("cli-test"), "SELECT payload FROM outbox");
    expect(audit.map((a) => JSON.parse(a.payload).action)).toContain("setup-link");
    const bad = await tenant("link", "cli-test", "--role", "root");
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('unknown role "root"');
  });

  it("rejects bad arguments with exit code 2 and changes nothing", async () => {
    const before = readFileSync(configPath, "utf8");
    for (const args of [
      ["frobnicate"],
      ["add", "Not_A_Slug"],
      ["rotate-token", "nobody"],
      ["remove", "nobody"],
      ["rotate-token", "cli-test", "--scope", "root"],
      ["add"],
      ["list", "--bogus"],
    ]) {
      const result = await tenant(...args);
      expect(result.code, args.join(" ")).toBe(2);
      expect(result.stderr).toContain("Usage: npm run tenant");
    }
    expect(readFileSync(configPath, "utf8")).toBe(before);
  });

  it("removes the tenant's binding", async () => {
    expect((await tenant("remove", "cli-test")).code).toBe(0);
    expect(readFileSync(configPath, "utf8")).toBe(readFileSync(path.join(ROOT, "wrangler.toml"), "utf8"));
  });
});
