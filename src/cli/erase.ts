/**
 * `npm run tenant -- erase <slug>`: a tenant gone for good (docs/fleet.md, "Lifecycle"). Two
 * steps: without `--confirm` it lists what would go and changes nothing; with `--confirm <slug>`
 * (the slug typed again) it deletes the KV entries of every token the tenant ever had, writes a
 * tombstone and a fleet audit entry (KV), removes the binding from the cell's config and deletes
 * the database: locally its SQLite files, remotely `wrangler d1 delete` (then deploy the cell).
 * Its sessions, OAuth clients and event tokens live in that database and go with it.
 * `--dry-run` prints the steps and runs none.
 */
import { createHash, createHmac } from "node:crypto";
import { existsSync, readFileSync, rmSync } from "node:fs";
import path from "node:path";
import { cellOfTenant, type Fleet, writeFileAtomic } from "./cells.ts";
import type { Output, ParsedValues } from "./command-line.ts";
import { removeTenantBlock } from "./config-file.ts";
import { databaseName } from "./names.ts";
import { assertValidSlug, TOKENS_KV_BINDING } from "./tenants.ts";
import { TenantUsageError } from "./usage-error.ts";
import { d1Delete, d1Query, kvDelete, kvPut, type WranglerTarget } from "./wrangler.ts";

/**
 * Where a local D1 database lives: Miniflare keeps it as a Durable Object of the unique key
 * "miniflare-D1DatabaseObject" named by the database id, and workerd derives the object's id
 * from the name as HMAC-SHA256(SHA-256(unique key), name)[0..16] followed by the HMAC of those 16
 * bytes [0..16]. Checked against the files `wrangler d1 execute --local` writes.
 */
export function localDatabaseFiles(stateDir: string, databaseId: string): string[] {
  const key = createHash("sha256").update("miniflare-D1DatabaseObject").digest();
  const first = createHmac("sha256", key).update(databaseId).digest().subarray(0, 16);
  const second = createHmac("sha256", key).update(first).digest().subarray(0, 16);
  const base = path.join(
    stateDir,
    "v3",
    "d1",
    "miniflare-D1DatabaseObject",
    Buffer.concat([first, second]).toString("hex"),
  );
  return [`${base}.sqlite`, `${base}.sqlite-shm`, `${base}.sqlite-wal`];
}

export async function runErase(context: {
  fleet: Fleet;
  values: ParsedValues;
  slug: string | undefined;
  stateDir: string;
  io: Output;
}): Promise<number> {
  const { fleet, values, slug, io } = context;
  assertValidSlug(slug);
  const cell = cellOfTenant(fleet, slug);
  if (!cell) throw new TenantUsageError(`unknown tenant "${slug}" (in no cell: see \`cell list\`)`);
  const tenant = cell.tenants.find((t) => t.slug === slug)!;
  const target: WranglerTarget = { configPath: cell.configPath, remote: values.remote, persistTo: context.stateDir };
  const files = values.remote ? [] : localDatabaseFiles(context.stateDir, tenant.databaseId);
  const steps = [
    `delete the KV entries of every token of "${slug}" (binding ${TOKENS_KV_BINDING})`,
    `write the tombstone tombstone:${slug} and a fleet audit entry (KV)`,
    `remove the binding ${tenant.binding} from ${cell.configPath}`,
    values.remote
      ? `delete the database: wrangler d1 delete ${tenant.databaseName} --config ${cell.configPath}, then deploy cell "${cell.name}"`
      : `delete the database's files: ${files.filter((f) => existsSync(f)).join(", ") || "(none yet)"}`,
  ];
  if (values.confirm === undefined || values["dry-run"]) {
    io.out(`Erasing "${slug}" (cell "${cell.name}", ${values.remote ? "Cloudflare account" : "local"}) would:`);
    for (const s of steps) io.out(`  - ${s}`);
    io.out(`Its users, groups, audit log, sessions and tokens cannot be brought back (export it first).`);
    if (!values["dry-run"]) io.out(`To erase, type the slug again: npm run tenant -- erase ${slug} --confirm ${slug}`);
    return 0;
  }
  if (values.confirm !== slug)
    throw new TenantUsageError(`--confirm "${values.confirm}" is not the tenant's slug "${slug}"; nothing changed`);

  const hashes = await d1Query<{ hash: string }>(target, databaseName(slug), "SELECT hash FROM tokens").catch(
    () => [] as { hash: string }[],
  );
  for (const { hash } of hashes) await kvDelete(target, TOKENS_KV_BINDING, `token:${hash}`);
  const at = new Date().toISOString();
  const record = {
    at,
    action: "erase",
    tenant: slug,
    cell: cell.name,
    detail: { database: tenant.databaseName, tokens: hashes.length },
  };
  await kvPut(target, TOKENS_KV_BINDING, `tombstone:${slug}`, JSON.stringify({ erased: at, cell: cell.name }));
  await kvPut(target, TOKENS_KV_BINDING, `fleet-audit:${at}:${crypto.randomUUID()}`, JSON.stringify(record));
  writeFileAtomic(cell.configPath, removeTenantBlock(readFileSync(cell.configPath, "utf8"), slug));
  if (values.remote) await d1Delete(target, tenant.databaseName);
  else for (const f of files) rmSync(f, { force: true });
  io.out(
    `Tenant "${slug}" erased: ${hashes.length} token key(s), its binding and its database are gone; a tombstone remains.`,
  );
  if (values.remote) io.out(`Deploy cell "${cell.name}" so its Worker drops the binding: npm run deploy -- --remote`);
  else io.out(`A running \`wrangler dev\` of cell "${cell.name}" needs a restart to drop the binding.`);
  return 0;
}
