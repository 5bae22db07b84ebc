/**
 * The fleet of cells (issue 16) through the tenant command exactly as an operator runs it: cell
 * files generated from the template, placement, the refusals that change nothing, fleet
 * migrations past failing databases, the restore and deploy dry runs. Real local D1 state.
 */
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import {
  copyFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cellSettingsOf, isHostName, renderCell } from "../../src/cli/cell-config.ts";
import { queuesOf } from "../../src/cli/deploy-steps.ts";
import { parseRestoreTimestamp } from "../../src/cli/fleet-commands.ts";
import { summarize } from "../../src/cli/fleet-migrate.ts";
import { withLocalDatabases } from "../../src/cli/local-d1.ts";
import { localDatabaseId } from "../../src/cli/names.ts";
import { PROJECT_ROOT } from "./harness.ts";

const TEMPLATE = readFileSync(path.join(PROJECT_ROOT, "wrangler.toml"), "utf8");

describe("a cell's config", () => {
  const text = renderCell({
    template: TEMPLATE,
    templateName: "wrangler.toml",
    templateDir: PROJECT_ROOT,
    cellDir: path.join(PROJECT_ROOT, "cells"),
    cell: { name: "eu1", host: "scim-eu1.example.com", capacity: 4000 },
    tenants: [
      { slug: "acme", binding: "TENANT_ACME", databaseName: "scim-acme", databaseId: "abc", migrationsDir: "x" },
    ],
  });

  it("is the template with the cell's own Worker, queues, host and paths", () => {
    expect(text).toMatch(/^name = "edge-scim-eu1"$/m);
    expect(text).toContain('routes = [{ pattern = "scim-eu1.example.com", custom_domain = true }]');
    expect(text).toContain('main = "../src/index.ts"');
    expect(text).toContain('directory = "../src/console/public"');
    expect(text).toMatch(/PUBLIC_BASE_URL = "https:\/\/scim-eu1\.example\.com"/);
    // The cell's name in its metrics data points; the cron's work record is the cell's own object.
    expect(text).toMatch(/^CELL = "eu1"$/m);
    expect(text).toContain('class_name = "CellWork"');
    expect(queuesOf(text)).toEqual(["scim-events-eu1", "scim-events-dlq-eu1"]);
    expect(queuesOf(TEMPLATE)).toEqual(["scim-events", "scim-events-dlq"]);
    // The shared token index and every other table of the template are kept as they are.
    expect(text).toContain('binding = "TOKENS"\nid = "00000000000000000000000000000000"');
    expect(text).toContain('class_name = "GroupMembership"');
    expect(text).toContain('crons = ["* * * * *"]');
    expect(text.trimEnd()).toMatch(
      /\[\[d1_databases\]\]\nbinding = "TENANT_ACME"\ndatabase_name = "scim-acme"\ndatabase_id = "abc"\nmigrations_dir = "..\/drizzle"$/,
    );
    expect(cellSettingsOf(text)).toEqual({ name: "eu1", host: "scim-eu1.example.com", capacity: 4000 });
  });

  it("accepts host names only", () => {
    for (const ok of ["scim-eu1.example.com", "a.b.co"]) expect(isHostName(ok)).toBe(true);
    for (const bad of [
      "localhost",
      "https://a.example.com",
      "a.example.com:8443",
      "a..b.com",
      "-a.example.com",
      "1.2.3.4",
    ])
      expect(isHostName(bad), bad).toBe(false);
  });

  it("restores only to an RFC 3339 time within the last 30 days", () => {
    const now = new Date("2026-12-05T12:00:00Z");
    expect(parseRestoreTimestamp("2026-12-01T09:30:00+01:00", now)).toBe("2026-12-01T08:30:00.000Z");
    for (const bad of [undefined, "yesterday", "2026-12-01", "2026-12-06T00:00:00Z", "2026-10-01T00:00:00Z"])
      expect(() => parseRestoreTimestamp(bad, now), String(bad)).toThrow();
  });

  it("summarises a fleet migration with every failure and its reason", () => {
    const lines = summarize(
      [
        { cell: "default", database: "scim-a", state: "applied", migrations: ["0008_x.sql"] },
        { cell: "eu1", database: "scim-b", state: "current", migrations: [] },
        {
          cell: "eu1",
          database: "scim-c",
          state: "failed",
          migrations: ["0008_x.sql"],
          reason: "table x already exists",
        },
      ],
      false,
    );
    expect(lines[0]).toBe("3 database(s): 1 migrated, 1 already current, 1 failed.");
    expect(lines[1]).toBe("  failed  eu1/scim-c: table x already exists (left: 0008_x.sql)");
  });
});

describe("rolling migrations", () => {
  it("every migration after the first only expands the schema (docs/storage.md)", () => {
    // Expand, deploy, contract: code already deployed keeps working while a migration runs
    // across the fleet, so no migration drops or renames what that code reads.
    const files = readdirSync(path.join(PROJECT_ROOT, "drizzle")).filter((f) => f.endsWith(".sql") && f > "0007");
    for (const file of files) {
      const sql = readFileSync(path.join(PROJECT_ROOT, "drizzle", file), "utf8").replace(/--.*$/gm, "");
      expect(sql, file).not.toMatch(/\bDROP\s+(TABLE|COLUMN|INDEX|TRIGGER)\b|\bRENAME\b|\bDELETE\s+FROM\b/i);
    }
  });
});

describe("the schema in code and the migrations agree", () => {
  it("drizzle-kit generate finds nothing to write (each migration's snapshot is kept)", async () => {
    // A migration written by hand without its snapshot makes the next `npm run db:generate`
    // re-create its tables; run it on a copy of drizzle/ and expect no new migration.
    const out = mkdtempSync(path.join(tmpdir(), "drizzle-"));
    cpSync(path.join(PROJECT_ROOT, "drizzle"), out, { recursive: true });
    const before = readdirSync(out).sort();
    const { stdout } = await promisify(execFile)(
      path.join(PROJECT_ROOT, "node_modules/.bin/drizzle-kit"),
      [
        "generate",
        "--dialect",
        "sqlite",
        "--schema",
        "./src/db/schema/index.ts",
        // drizzle-kit takes the folder relative to the working directory
        "--out",
        path.relative(PROJECT_ROOT, out),
      ],
      { cwd: PROJECT_ROOT },
    );
    expect(readdirSync(out).sort()).toEqual(before);
    expect(stdout).toMatch(/No schema changes/);
    rmSync(out, { recursive: true, force: true });
  });
});

describe("npm run tenant: cells (local)", () => {
  const id = randomBytes(4).toString("hex");
  const config = `wrangler.fleet-${id}.toml`;
  const dir = path.join(".tmp", `fleet-${id}`);
  const cells = path.join(dir, "cells");
  const state = path.join(dir, "state");

  async function tenant(...args: string[]) {
    const all = ["src/cli/tenant.ts", ...args, "--config", config, "--cells", cells, "--persist-to", state];
    try {
      const { stdout, stderr } = await promisify(execFile)(process.execPath, all, { cwd: PROJECT_ROOT });
      return { code: 0, stdout, stderr };
    } catch (error) {
      const e = error as { code: number; stdout: string; stderr: string };
      return { code: e.code, stdout: e.stdout, stderr: e.stderr };
    }
  }
  const snapshot = () =>
    [config, ...readdirSync(path.join(PROJECT_ROOT, cells)).map((f) => path.join(cells, f))].map((f) => [
      f,
      readFileSync(path.join(PROJECT_ROOT, f), "utf8"),
    ]);

  beforeAll(() => {
    mkdirSync(path.join(PROJECT_ROOT, cells), { recursive: true });
    copyFileSync(path.join(PROJECT_ROOT, "wrangler.toml"), path.join(PROJECT_ROOT, config));
  });
  afterAll(() => {
    rmSync(path.join(PROJECT_ROOT, config), { force: true });
    rmSync(path.join(PROJECT_ROOT, dir), { recursive: true, force: true });
  });

  it("adds cells and places each tenant in the named cell or the one with the most room", async () => {
    expect((await tenant("cell", "add", "eu1", "--host", "scim-eu1.example.com", "--capacity", "2")).code).toBe(0);
    expect((await tenant("cell", "add", "us1", "--host", "scim-us1.example.com", "--capacity", "3")).code).toBe(0);
    const named = await tenant("add", "acme", "--cell", "eu1");
    expect(named.code, named.stderr).toBe(0);
    expect(named.stdout).toContain('Tenant "acme" is ready in cell "eu1"');
    // The default cell has room for 4,000: the most room, so an unnamed tenant goes there.
    expect((await tenant("add", "beta")).stdout).toContain('in cell "default"');
    const list = await tenant("cell", "list");
    expect(list.stdout).toMatch(/default\s+1\s+3999\s+\(workers\.dev\)/);
    expect(list.stdout).toMatch(/eu1\s+1\s+1\s+scim-eu1\.example\.com/);
    expect(list.stdout).toMatch(/us1\s+0\s+3\s+scim-us1\.example\.com/);
    // Onboarding changed the file of one cell only.
    expect(readFileSync(path.join(PROJECT_ROOT, cells, "eu1.toml"), "utf8")).toContain('binding = "TENANT_ACME"');
    expect(readFileSync(path.join(PROJECT_ROOT, cells, "us1.toml"), "utf8")).not.toContain('binding = "TENANT_');
    expect((await tenant("list")).stdout).toMatch(/acme\s+eu1\s+TENANT_ACME/);
  });

  it("refuses an unknown cell, a full cell, a slug of another cell and a taken host, changing nothing", async () => {
    expect((await tenant("add", "gamma", "--cell", "eu1")).code).toBe(0);
    const before = snapshot();
    for (const [args, message] of [
      [["add", "delta", "--cell", "nowhere"], 'unknown cell "nowhere"'],
      [["add", "delta", "--cell", "eu1"], 'cell "eu1" is full (2 of 2 tenants)'],
      [["add", "acme", "--cell", "us1"], 'tenant "acme" already exists in cell "eu1"'],
      [["add", "beta"], 'tenant "beta" already exists in cell "default"'],
      [
        ["cell", "add", "eu2", "--host", "scim-eu1.example.com"],
        'host "scim-eu1.example.com" is already the host of cell "eu1"',
      ],
      [["cell", "add", "eu1", "--host", "other.example.com"], 'cell "eu1" already exists'],
      [["cell", "add", "Bad_Name", "--host", "b.example.com"], 'invalid cell name "Bad_Name"'],
      [["cell", "add", "eu3", "--host", "http://b.example.com"], "invalid --host"],
      [["cell", "add", "eu3"], "missing --host"],
      [["cell", "add", "eu3", "--host", "c.example.com", "--capacity", "9000"], "invalid --capacity"],
      [["add", "delta", "--location", "mars"], 'unknown --location "mars"'],
      [["rotate-token", "nobody"], 'unknown tenant "nobody"'],
      [["restore", "acme", "--timestamp", "last week", "--dry-run"], "invalid --timestamp"],
      [["restore", "acme", "--timestamp", new Date(Date.now() - 3_600_000).toISOString()], "add --remote --yes"],
      [["migrate", "--concurrency", "0"], "invalid --concurrency"],
    ] as const) {
      const result = await tenant(...args);
      expect(result.code, args.join(" ")).toBe(2);
      expect(result.stderr, args.join(" ")).toContain(message);
    }
    expect(snapshot()).toEqual(before);
  });

  it("migrates every database of every cell, goes past the ones that fail and finishes them on the next run", async () => {
    for (const slug of ["m1", "m2", "m3"]) expect((await tenant("add", slug, "--cell", "us1")).code).toBe(0);
    // Two databases fall behind (their last migration undone); in one of them a table stands in
    // the way of that migration's first statement.
    const migrations = readdirSync(path.join(PROJECT_ROOT, "drizzle"))
      .filter((f) => f.endsWith(".sql"))
      .sort();
    // The newest migration that only creates (a later one may ALTER, which dropping its objects
    // would not undo): undone, it is the one left to apply, and a table of its name stands in its way.
    const createdBy = (file: string) =>
      [
        ...readFileSync(path.join(PROJECT_ROOT, "drizzle", file), "utf8").matchAll(
          /CREATE (TABLE|INDEX|UNIQUE INDEX|TRIGGER)\s+(?:IF NOT EXISTS\s+)?[`"]?(\w+)/gi,
        ),
      ].map((m) => ({ kind: m[1].toUpperCase().replace("UNIQUE ", ""), name: m[2] }));
    const onlyCreates = (f: string) =>
      createdBy(f).some((o) => o.kind === "TABLE") &&
      !/ALTER TABLE/i.test(readFileSync(path.join(PROJECT_ROOT, "drizzle", f), "utf8"));
    const last = migrations.findLast(onlyCreates)!;
    const created = createdBy(last);
    const blocker = created[0].name;
    await withLocalDatabases(
      path.join(PROJECT_ROOT, state),
      [localDatabaseId("m1"), localDatabaseId("m2")],
      async (open) => {
        for (const slug of ["m1", "m2"]) {
          const db = await open(localDatabaseId(slug));
          for (const object of created.reverse())
            await db.prepare(`DROP ${object.kind} IF EXISTS ${object.name}`).run();
          await db.prepare("DELETE FROM d1_migrations WHERE name = ?").bind(last).run();
        }
        await (await open(localDatabaseId("m2"))).prepare(`CREATE TABLE ${blocker} (x)`).run();
      },
    );
    const check = await tenant("migrate", "--check");
    expect(check.code).toBe(0);
    expect(check.stdout).toContain(`behind   us1/scim-m1: ${last}`);
    expect(check.stdout).toContain("6 database(s): 2 behind, 4 current, 0 could not be read.");

    const first = await tenant("migrate", "--concurrency", "3");
    expect(first.code).toBe(1);
    expect(first.stdout).toContain(`migrated us1/scim-m1: ${last}`);
    expect(first.stdout).toContain("6 database(s): 1 migrated, 4 already current, 1 failed.");
    expect(first.stdout).toMatch(
      new RegExp(`failed  us1/scim-m2: .*already.* \\(left: ${last.replace(".", "\\.")}\\)`),
    );

    await withLocalDatabases(path.join(PROJECT_ROOT, state), [localDatabaseId("m2")], async (open) => {
      await (await open(localDatabaseId("m2"))).prepare(`DROP TABLE ${blocker}`).run();
    });
    const second = await tenant("migrate");
    expect(second.code, second.stdout).toBe(0);
    expect(second.stdout).toContain("6 database(s): 1 migrated, 5 already current, 0 failed.");
  });

  it("prints the restore it would run and deploys every cell in a dry run", async () => {
    const restore = await tenant(
      "restore",
      "acme",
      "--timestamp",
      new Date(Date.now() - 86_400_000).toISOString(),
      "--dry-run",
    );
    expect(restore.code).toBe(0);
    expect(restore.stdout).toMatch(/wrangler d1 time-travel restore scim-acme --timestamp \S+ --config \S+eu1\.toml/);

    const { stdout } = await promisify(execFile)(
      process.execPath,
      ["src/cli/deploy.ts", "--dry-run", "--config", config, "--cells", cells],
      { cwd: PROJECT_ROOT },
    );
    expect(stdout).toContain("would create queue scim-events-us1");
    expect(stdout).toContain("would create queue scim-events-dlq-eu1");
    for (const cell of ["default", "eu1", "us1"]) expect(stdout).toMatch(new RegExp(`checked cell "${cell}" .*KiB`));
    expect(existsSync(path.join(PROJECT_ROOT, ".wrangler", "dry-run", "us1", "index.js"))).toBe(true);
  });

  it("regenerates the cells after a change to the template, keeping their tenants", async () => {
    const templatePath = path.join(PROJECT_ROOT, config);
    const changed = readFileSync(templatePath, "utf8").replace('MAILER = "outbox"', 'MAILER = "email"');
    writeFileSync(templatePath, changed);
    const sync = await tenant("cell", "sync");
    expect(sync.stdout).toContain("eu1.toml");
    const eu1 = readFileSync(path.join(PROJECT_ROOT, cells, "eu1.toml"), "utf8");
    expect(eu1).toContain('MAILER = "email"');
    expect(eu1).toContain('binding = "TENANT_ACME"');
    expect((await tenant("cell", "sync")).stdout).toContain("Every cell already matches");
  });
});
