/**
 * The local runs' SEAL_KEYS (docs/secrets.md): a key made on first use and kept in a file that
 * git ignores, as the demo tokens are, so `npm start`, the black-box tests and `tenant seal-key`
 * seal and open with the same keys. A deployed Worker gets its own with `wrangler secret put`.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { newSealKeyEntry } from "../platform/seal.ts";

/** The file (SEAL_KEYS_FILE may name another, as the tests do). */
export const localSealKeysFile = () =>
  process.env.SEAL_KEYS_FILE ?? path.resolve(import.meta.dirname, "../../.wrangler/seal-keys");

/** A key id that sorts by date and does not repeat: `k<yyyymmdd><4 random hex>`. */
export const newSealKid = (now = new Date()) =>
  `k${now.toISOString().slice(0, 10).replace(/-/g, "")}${crypto.getRandomValues(new Uint32Array(1))[0].toString(16).padStart(8, "0").slice(0, 4)}`;

/** SEAL_KEYS for local runs: the environment's when set, else the file's (made with one new key when missing). */
export function localSealKeys(file = localSealKeysFile()): string {
  if (process.env.SEAL_KEYS) return process.env.SEAL_KEYS;
  if (!existsSync(file)) writeLocalSealKeys(newSealKeyEntry(newSealKid()), file);
  return readFileSync(file, "utf8").trim();
}

export function writeLocalSealKeys(text: string, file = localSealKeysFile()): void {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, text.trim() + "\n", { mode: 0o600 });
}
