/**
 * `npm run tenant -- seal-key rotate|reseal|drop` (docs/secrets.md) on real local D1 state: a new
 * key first, every stored secret re-sealed with it (values stored in clear too), an old key
 * dropped only when no value needs it, and --remote only as a dry run.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addTenantBlock } from "../../src/cli/config-file.ts";
import { withLocalDatabases } from "../../src/cli/local-d1.ts";
import { localDatabaseId } from "../../src/cli/names.ts";
import { runTenantCommand } from "../../src/cli/tenant.ts";
import {
  newSealKeyEntry,
  parseSealKeys,
  SEAL_PURPOSE,
  seal,
  sealAad,
  sealedKid,
  unseal,
} from "../../src/platform/seal.ts";
import { PROJECT_ROOT } from "./harness.ts";

const SLUG = "sealco";
const PRIVATE_JWK = JSON.stringify({ kty: "EC", crv: "P-256", x: "x", y: "y", d: "private-part" });

let dir: string;
let keyFile: string;
let args: string[];
const envKeys = process.env.SEAL_KEYS;

async function run(...command: string[]) {
  const out: string[] = [];
  const code = await runTenantCommand([...command, ...args], { out: (l) => out.push(l), err: (l) => out.push(l) });
  return { code, text: out.join("\n") };
}

const rows = () =>
  withLocalDatabases(path.join(dir, "state"), [localDatabaseId(SLUG)], async (open) => {
    const db = await open(localDatabaseId(SLUG));
    const hooks = (
      await db.prepare("SELECT id, secret FROM webhooks ORDER BY id").all<{ id: string; secret: string }>()
    ).results;
    const keys = (
      await db.prepare("SELECT kid, private_jwk FROM signing_keys").all<{ kid: string; private_jwk: string }>()
    ).results;
    return { hooks, keys };
  });

beforeAll(async () => {
  delete process.env.SEAL_KEYS; // the command edits the key file; a key in the environment would win over it
  dir = mkdtempSync(path.join(tmpdir(), "seal-cli-"));
  keyFile = path.join(dir, "seal-keys");
  process.env.SEAL_KEYS_FILE = keyFile;
  const oldEntry = newSealKeyEntry("old");
  writeFileSync(keyFile, oldEntry + "\n");
  const config = path.join(dir, "wrangler.toml");
  writeFileSync(
    config,
    addTenantBlock(readFileSync(path.join(PROJECT_ROOT, "wrangler.toml"), "utf8"), SLUG, localDatabaseId(SLUG)),
  );
  args = ["--config", config, "--cells", path.join(dir, "cells"), "--persist-to", path.join(dir, "state")];
  const keys = await parseSealKeys(oldEntry);
  await withLocalDatabases(path.join(dir, "state"), [localDatabaseId(SLUG)], async (open) => {
    const db = await open(localDatabaseId(SLUG));
    await db.batch([
      db.prepare("CREATE TABLE webhooks (id TEXT PRIMARY KEY, secret TEXT)"),
      db.prepare("CREATE TABLE signing_keys (kid TEXT PRIMARY KEY, private_jwk TEXT NOT NULL)"),
      db.prepare("CREATE TABLE signin_providers (id TEXT PRIMARY KEY, client_secret TEXT)"),
      db
        .prepare("INSERT INTO signin_providers VALUES ('okta', ?1)")
        .bind(await seal(keys, "okta-secret", sealAad(SLUG, SEAL_PURPOSE.signinProviderSecret("okta")))),
      db.prepare("INSERT INTO webhooks VALUES ('w-clear', 'whsec_clear'), ('w-set', NULL)"),
      db
        .prepare("INSERT INTO webhooks VALUES ('w-sealed', ?1)")
        .bind(await seal(keys, "whsec_sealed", sealAad(SLUG, SEAL_PURPOSE.webhookSecret("w-sealed")))),
      db
        .prepare("INSERT INTO signing_keys VALUES ('k1', ?1)")
        .bind(await seal(keys, PRIVATE_JWK, sealAad(SLUG, SEAL_PURPOSE.signingKey("k1")))),
    ]);
  });
});

afterAll(() => {
  delete process.env.SEAL_KEYS_FILE;
  if (envKeys !== undefined) process.env.SEAL_KEYS = envKeys;
  rmSync(dir, { recursive: true, force: true });
});

describe("seal-key (docs/secrets.md)", () => {
  it("rotate: adds a key first, re-seals every value with it (clear ones too), keeps the old key until dropped", async () => {
    const rotated = await run("seal-key", "rotate");
    expect(rotated.code).toBe(0);
    expect(rotated.text).toMatch(/New sealing key k\d{8}[0-9a-f]{4} added first/);
    expect(rotated.text).toMatch(/sealco\s+re-sealed 4, already current 0/);
    const file = readFileSync(keyFile, "utf8").trim();
    expect(file.split(",")).toHaveLength(2);
    expect(file.split(",")[1]).toMatch(/^old:/);
    const keys = await parseSealKeys(file);
    const { hooks, keys: signing } = await rows();
    expect(hooks.find((h) => h.id === "w-set")?.secret).toBeNull();
    for (const h of hooks.filter((h) => h.secret)) expect(sealedKid(h.secret)).toBe(keys.sealingKid);
    const open = (id: string) =>
      unseal(keys, hooks.find((h) => h.id === id)!.secret, sealAad(SLUG, SEAL_PURPOSE.webhookSecret(id)));
    expect(await open("w-clear")).toBe("whsec_clear");
    expect(await open("w-sealed")).toBe("whsec_sealed");
    expect(signing[0].private_jwk).not.toContain("private-part");
    expect(await unseal(keys, signing[0].private_jwk, sealAad(SLUG, SEAL_PURPOSE.signingKey("k1")))).toBe(PRIVATE_JWK);
    const provider = await withLocalDatabases(
      path.join(dir, "state"),
      [localDatabaseId(SLUG)],
      async (open) =>
        (
          await (await open(localDatabaseId(SLUG))).prepare("SELECT client_secret FROM signin_providers").all<{
            client_secret: string;
          }>()
        ).results[0].client_secret,
    );
    expect(await unseal(keys, provider, sealAad(SLUG, SEAL_PURPOSE.signinProviderSecret("okta")))).toBe("okta-secret");

    const again = await run("seal-key", "reseal");
    expect(again.text).toMatch(/sealco\s+re-sealed 0, already current 4/);
  });

  it("drop: refuses the sealing key and unknown ids; drops a key no value uses", async () => {
    const sealing = readFileSync(keyFile, "utf8").trim().split(":")[0];
    expect((await run("seal-key", "drop", sealing)).text).toMatch(/is the sealing key; rotate first/);
    expect((await run("seal-key", "drop", "nope")).code).toBe(2);
    const dropped = await run("seal-key", "drop", "old");
    expect(dropped).toMatchObject({ code: 0, text: expect.stringMatching(/Key old dropped/) });
    expect(readFileSync(keyFile, "utf8").trim()).not.toContain("old:");
  });

  it("drop refuses while a value is still sealed with the key", async () => {
    const before = readFileSync(keyFile, "utf8").trim();
    const entry = newSealKeyEntry("held");
    const keys = await parseSealKeys(entry);
    await withLocalDatabases(path.join(dir, "state"), [localDatabaseId(SLUG)], async (open) => {
      const db = await open(localDatabaseId(SLUG));
      const value = await seal(keys, "whsec_held", sealAad(SLUG, SEAL_PURPOSE.webhookSecret("w-held")));
      await db.prepare("INSERT INTO webhooks VALUES ('w-held', ?1)").bind(value).run();
    });
    writeFileSync(keyFile, `${before},${entry}\n`);
    const refused = await run("seal-key", "drop", "held");
    expect(refused.code).toBe(2);
    expect(refused.text).toMatch(/1 value\(s\) are still sealed with held \(sealco webhooks\.secret/);
    expect((await run("seal-key", "reseal")).text).toMatch(/re-sealed 1/);
    expect((await run("seal-key", "drop", "held")).code).toBe(0);
  });

  it("--remote: only a dry run, which lists the steps and changes nothing", async () => {
    const file = readFileSync(keyFile, "utf8");
    const refused = await run("seal-key", "rotate", "--remote");
    expect(refused.code).toBe(2);
    expect(refused.text).toMatch(/add --dry-run/);
    const plan = await run("seal-key", "rotate", "--remote", "--dry-run");
    expect(plan.code).toBe(0);
    expect(plan.text).toMatch(/wrangler secret put SEAL_KEYS --config/);
    expect(readFileSync(keyFile, "utf8")).toBe(file);
  });
});
