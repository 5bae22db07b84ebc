/**
 * `npm run tenant -- seal-key rotate|reseal|drop` (docs/secrets.md): the keys that seal the
 * secrets stored in tenant databases (src/platform/seal.ts). Locally they act for real on the
 * local state and .wrangler/seal-keys; with --remote only --dry-run exists, and prints the steps.
 */
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { listCells, type Fleet } from "./cells.ts";
import type { Output, ParsedValues } from "./command-line.ts";
import { listTenantBindings, type TenantBinding } from "./config-file.ts";
import { withLocalDatabases, type SqlDatabase } from "./local-d1.ts";
import { localSealKeys, localSealKeysFile, newSealKid, writeLocalSealKeys } from "./seal-keys.ts";
import { TenantUsageError } from "./usage-error.ts";
import {
  isSealed,
  newSealKeyEntry,
  parseSealKeys,
  SEAL_PURPOSE,
  seal,
  sealAad,
  sealedKid,
  type SealKeys,
  unseal,
} from "../platform/seal.ts";

/** `npm start`'s config beside the template: the demo tenant is bound there only. */
const LOCAL_START_CONFIG = "wrangler.local.toml";

export interface SealCommandContext {
  fleet: Fleet;
  values: ParsedValues;
  stateDir: string;
  io: Output;
}

/** Every sealed column: how to read its rows, the purpose of a row, how to write one back. */
const COLUMNS = [
  {
    name: "webhooks.secret",
    select: "SELECT id, secret AS value FROM webhooks WHERE secret IS NOT NULL",
    purpose: SEAL_PURPOSE.webhookSecret,
    update: "UPDATE webhooks SET secret = ?2 WHERE id = ?1 AND secret = ?3",
  },
  {
    name: "signing_keys.private_jwk",
    select: "SELECT kid AS id, private_jwk AS value FROM signing_keys",
    purpose: SEAL_PURPOSE.signingKey,
    update: "UPDATE signing_keys SET private_jwk = ?2 WHERE kid = ?1 AND private_jwk = ?3",
  },
  {
    name: "signin_providers.client_secret",
    select: "SELECT id, client_secret AS value FROM signin_providers WHERE client_secret IS NOT NULL",
    purpose: SEAL_PURPOSE.signinProviderSecret,
    update: "UPDATE signin_providers SET client_secret = ?2 WHERE id = ?1 AND client_secret = ?3",
  },
];

export async function runSealKeyCommand(args: string[], ctx: SealCommandContext): Promise<number> {
  const [sub, kid, ...extra] = args;
  const { values, io } = ctx;
  if (extra.length > 0 || (kid !== undefined && sub !== "drop")) {
    throw new TenantUsageError(`unexpected argument "${extra[0] ?? kid}"`);
  }
  if (sub !== "rotate" && sub !== "reseal" && sub !== "drop") {
    throw new TenantUsageError(
      sub === undefined ? "missing seal-key command (rotate, reseal or drop)" : `unknown seal-key command "${sub}"`,
    );
  }
  if (values.remote) {
    if (!values["dry-run"]) {
      throw new TenantUsageError("seal-key acts on local state only; with --remote, add --dry-run to see the steps");
    }
    printRemotePlan(ctx);
    return 0;
  }
  if (process.env.SEAL_KEYS)
    throw new TenantUsageError("SEAL_KEYS is set in the environment: seal-key edits the key file; unset it");
  const tenants = localTenants(ctx.fleet);
  const current = localSealKeys();
  if (sub === "drop") return drop(ctx, tenants, current, kid);
  let keysText = current;
  if (sub === "rotate") {
    const entry = newSealKeyEntry(newSealKid());
    keysText = `${entry},${current}`;
    // The new key is written before any value is sealed with it: a crash never leaves a value
    // sealed with a key that is not kept.
    writeLocalSealKeys(keysText);
    io.out(`New sealing key ${entry.slice(0, entry.indexOf(":"))} added first to ${localSealKeysFile()}.`);
  }
  const keys = await parseSealKeys(keysText);
  const counts = await resealAll(ctx.stateDir, tenants, keys);
  for (const c of counts) io.out(`${c.slug.padEnd(24)}re-sealed ${c.resealed}, already current ${c.current}`);
  io.out(`Every stored secret of ${tenants.length} local tenant(s) is sealed with ${keys.sealingKid}.`);
  const old = [...keys.keys.keys()].filter((k) => k !== keys.sealingKid);
  if (old.length)
    io.out(`No value needs ${old.join(", ")} any more: drop with \`npm run tenant -- seal-key drop <kid>\`.`);
  io.out("A running `npm start` needs a restart to see the new key.");
  return 0;
}

/** The tenants of every cell, plus `npm start`'s demo tenant (bound in its own config). */
function localTenants(fleet: Fleet): TenantBinding[] {
  const all = listCells(fleet).flatMap((c) => c.tenants);
  const startConfig = path.join(path.dirname(fleet.templatePath), LOCAL_START_CONFIG);
  if (existsSync(startConfig)) all.push(...listTenantBindings(readFileSync(startConfig, "utf8")));
  return [...new Map(all.map((t) => [t.databaseId, t])).values()];
}

interface StoredValue {
  id: string;
  value: string;
}

async function rowsOf(db: SqlDatabase, select: string): Promise<StoredValue[]> {
  try {
    return (await db.prepare(select).all<StoredValue>()).results;
  } catch (e) {
    if (/no such table/.test(String(e))) return []; // a database not migrated for events yet
    throw e;
  }
}

/** Opens every sealed (or clear) value and seals it again with the first key, where it is not already. */
async function resealAll(stateDir: string, tenants: TenantBinding[], keys: SealKeys) {
  return withLocalDatabases(
    stateDir,
    tenants.map((t) => t.databaseId),
    async (open) => {
      const counts = [];
      for (const t of tenants) {
        const db = await open(t.databaseId);
        const updates = [];
        let current = 0;
        for (const column of COLUMNS) {
          for (const row of await rowsOf(db, column.select)) {
            if (sealedKid(row.value) === keys.sealingKid) {
              current++;
              continue;
            }
            const aad = sealAad(t.slug, column.purpose(row.id));
            const clear = isSealed(row.value) ? await unseal(keys, row.value, aad) : row.value;
            updates.push(db.prepare(column.update).bind(row.id, await seal(keys, clear, aad), row.value));
          }
        }
        if (updates.length) await db.batch(updates);
        counts.push({ slug: t.slug, resealed: updates.length, current });
      }
      return counts;
    },
  );
}

async function drop(ctx: SealCommandContext, tenants: TenantBinding[], current: string, kid: string | undefined) {
  const keys = await parseSealKeys(current);
  if (!kid) throw new TenantUsageError("name the key id to drop");
  if (!keys.keys.has(kid)) throw new TenantUsageError(`SEAL_KEYS has no key ${kid}`);
  if (kid === keys.sealingKid) throw new TenantUsageError(`${kid} is the sealing key; rotate first`);
  const users = await withLocalDatabases(
    ctx.stateDir,
    tenants.map((t) => t.databaseId),
    async (open) => {
      const found: string[] = [];
      for (const t of tenants) {
        const db = await open(t.databaseId);
        for (const column of COLUMNS)
          for (const row of await rowsOf(db, column.select))
            if (sealedKid(row.value) === kid) found.push(`${t.slug} ${column.name}`);
      }
      return found;
    },
  );
  if (users.length) {
    throw new TenantUsageError(
      `${users.length} value(s) are still sealed with ${kid} (${users[0]}, …); run seal-key reseal first`,
    );
  }
  const kept = current.split(/[\s,]+/).filter((e) => e && !e.startsWith(`${kid}:`));
  writeLocalSealKeys(kept.join(","));
  ctx.io.out(`Key ${kid} dropped from ${localSealKeysFile()}; no stored value used it.`);
  return 0;
}

function printRemotePlan({ fleet, io }: SealCommandContext): void {
  const cells = listCells(fleet);
  io.out("Dry run: nothing changes. Rotating SEAL_KEYS on the Cloudflare account takes these steps:");
  io.out("  1. Make a key: node -e \"console.log('k<date>:' + crypto.randomBytes(32).toString('base64url'))\"");
  for (const c of cells)
    io.out(`  2. npx wrangler secret put SEAL_KEYS --config ${c.configPath}   (value: <new entry>,<current entries>)`);
  io.out("  3. npm run deploy -- --remote   (the new key seals from now on; every listed key still opens)");
  const count = cells.reduce((n, c) => n + c.tenants.length, 0);
  io.out(
    `  4. Re-seal the stored values of the ${count} tenant(s): values sealed with an older key keep opening while it is listed.`,
  );
  io.out("  5. Only when no value uses the old key: put SEAL_KEYS again without it, and deploy.");
}
