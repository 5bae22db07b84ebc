/**
 * The local fleet, kept apart from the tracked one (docs/local.md).
 *
 * Tracked (committed, what `npm run deploy -- --remote` deploys): wrangler.toml, the template and
 * default cell, and cells/<name>.toml. Only remote onboarding writes tenants there, each with the
 * id of a real D1 database.
 *
 * Local (gitignored, what `npm start` serves): wrangler.local.toml is wrangler.toml's text plus
 * the tenants onboarded locally (demo among them), and .wrangler/cells/<name>.toml are the cells
 * added locally. A local tenant's database id is a placeholder (`local-scim-<slug>`) that no
 * Cloudflare account knows, so it must never reach a tracked file: a fresh clone's walkthrough
 * then leaves `git status` clean, and the deploy refuses such ids anyway (deploy-steps.ts).
 *
 * `--config`/`--cells` name files to use as they are, local or remote (tests, other layouts).
 */
import { existsSync, readFileSync } from "node:fs";
import { DEFAULT_CELLS_DIR, DEFAULT_CONFIG, type ParsedValues } from "./command-line.ts";
import { writeFileAtomic, type Fleet } from "./cells.ts";
import { addTenantBlock, findTenantBinding, listTenantBindings } from "./config-file.ts";

export const LOCAL_CONFIG = "wrangler.local.toml";
export const LOCAL_CELLS_DIR = ".wrangler/cells";
/** Every local cell shares this state folder, as deployed cells share one account. */
export const LOCAL_STATE_DIR = ".wrangler/state";
/** npm start's own tenant: its tokens are kept in .wrangler/demo-tokens.json and re-minted when stale. */
export const DEMO_TENANT = "demo";

export const trackedFleet = (values?: Pick<ParsedValues, "config" | "cells">): Fleet => ({
  templatePath: values?.config ?? DEFAULT_CONFIG,
  cellsDir: values?.cells ?? DEFAULT_CELLS_DIR,
});

/**
 * Brings wrangler.local.toml up to date with wrangler.toml, keeping the tenants onboarded locally
 * (the blocks it has that wrangler.toml has not). Writes only on a change: a running `wrangler
 * dev` reloads on every write of its config.
 */
export function syncLocalTemplate(tracked = DEFAULT_CONFIG, local = LOCAL_CONFIG): void {
  const base = readFileSync(tracked, "utf8");
  const before = existsSync(local) ? readFileSync(local, "utf8") : undefined;
  let text = base;
  for (const t of listTenantBindings(before ?? ""))
    if (!findTenantBinding(base, t.slug)) text = addTenantBlock(text, t.slug, t.databaseId, t.migrationsDir);
  if (text !== before) writeFileAtomic(local, text);
}

/** The fleet `npm start` serves, with wrangler.local.toml brought up to date first. */
export function localFleet(): Fleet {
  syncLocalTemplate();
  return { templatePath: LOCAL_CONFIG, cellsDir: LOCAL_CELLS_DIR };
}

/** Whether a command acts on the local fleet's own files (no --remote, no --config/--cells). */
export const usesLocalFleet = (values: Pick<ParsedValues, "remote" | "config" | "cells">) =>
  !values.remote && values.config === undefined && values.cells === undefined;

/** The fleet a tenant command acts on: the local one by default, the tracked one with --remote. */
export function fleetFor(values: Pick<ParsedValues, "remote" | "config" | "cells">): Fleet {
  return usesLocalFleet(values) ? localFleet() : trackedFleet(values);
}
