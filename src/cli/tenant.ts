/**
 * `npm run tenant -- <command>`: onboard and manage tenants (DESIGN.md "Tenants").
 * Runs on Node 22 (type stripping), drives wrangler; see ./tenants.ts for the operations.
 */
import { realpathSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { tenantBinding } from "../tenants/slug.ts";
import { isTokenScope, type MintedToken } from "../tenants/tokens.ts";
import { runCellCommand } from "./cell-commands.ts";
import { runSealKeyCommand } from "./seal-commands.ts";
import {
  consoleOutput,
  DEFAULT_CELLS_DIR,
  DEFAULT_CONFIG,
  DEFAULT_URL_BASE,
  parseTenantArgs,
  type Output,
} from "./command-line.ts";
import { cellMigrationsDir, cellOfTenant, listCells, placeTenant, type Cell } from "./cells.ts";
import { runClientCommand } from "./client-commands.ts";
import { printSetupLink } from "./setup-link.ts";
import { assertNoPlaceholders, deployCell } from "./deploy-steps.ts";
import { fleetFor, LOCAL_CONFIG, usesLocalFleet } from "./local-fleet.ts";
import { localServingNote, refuseLocalSlug } from "./local-onboarding.ts";
import { localCellUrl } from "./served-ports.ts";
import { runErase } from "./erase.ts";
import { runFleetApiCommand } from "./fleet-api-commands.ts";
import { runMigrate, runRestore } from "./fleet-commands.ts";
import { localStateDir } from "./local-d1.ts";
import { adminApiUrl, databaseName, tenantUrl } from "./names.ts";
import { addTenant, assertValidSlug, removeTenant, rotateToken, TenantUsageError } from "./tenants.ts";
import { D1_LOCATIONS, isD1Location, type WranglerTarget } from "./wrangler.ts";

export * from "./tenants.ts";
export * from "./wrangler.ts";
export { DEFAULT_CELLS_DIR, DEFAULT_CONFIG, DEFAULT_URL_BASE, type Output, type ParsedValues } from "./command-line.ts";

const REMOTE_URL_PLACEHOLDER = "https://<your-worker-host>";

export const USAGE = `Usage: npm run tenant -- <command> [options]

Commands:
  add <slug> [--cell C] [--location L]
                                      create the tenant's database and binding in cell C (default:
                                      the cell with the most room), apply migrations, mint its SCIM
                                      and admin tokens (printed once); with --remote, deploy that
                                      cell. L: the D1 location nearest the customer's Entra tenant
                                      (${D1_LOCATIONS.join(", ")}; remote only)
  list                                every tenant with its cell
  rotate-token <slug> [--scope S]     replace the tenant's token (S: scim (default) or admin);
                                      the old one stops at once
  link <slug> [--role R] [--email E]  a one-time link that makes a person an admin (docs/people.md)
  migrate [--concurrency N] [--check] apply pending migrations to every tenant database of every
                                      cell, N at a time (default 8); --check lists what is behind
                                      and changes nothing. Exits 1 if any database failed.
  restore <slug> --timestamp T        bring the tenant's database back to time T (RFC 3339, within
                                      the last 30 days; --remote --yes, or --dry-run to see how)
  remove <slug>                       unbind the tenant and stop its tokens
                                      (--remote also deletes its database: needs --yes)
  suspend <slug> --reason R           refuse its SCIM requests (403 naming R), data kept;
  resume <slug>                       and back (through the cell's fleet API: FLEET_TOKEN)
  export <slug> --out F               users, groups, members, attributes, settings, audit log
  import <slug> --file F              as NDJSON with a checksum; import into a new tenant
  erase <slug> [--confirm <slug>]     database, tokens and binding gone, a tombstone kept;
                                      without --confirm (or with --dry-run) it only lists
  cell add <name> --host H [--capacity N]
                                      a new cell (its own Worker, queues and host H), for up to N
                                      tenants (default 4000)
  cell list                           cells with their host, tenants and room left
  cell sync                           regenerate every cell's file after a change to the template
  seal-key rotate                     a new key seals the stored secrets (docs/secrets.md): added
                                      first to .wrangler/seal-keys, then every tenant's values are
                                      re-sealed with it (local; --remote --dry-run: the steps)
  seal-key reseal                     re-seal with the first key what is not (values stored in clear)
  seal-key drop <kid>                 remove a key no stored value uses any more
  client add <slug> [--name N] [--days D]
                                      a new OAuth client id and secret (printed once), valid D
                                      days (default 365, at most 1095)
  client list <slug>                  the tenant's OAuth clients (never their secrets)
  client revoke <slug> <client id>    the client's secret and access tokens stop at once

Options:
  --remote              act on the Cloudflare account and the tracked config, ${DEFAULT_CONFIG} and
                        ${DEFAULT_CELLS_DIR}/ (default: local state and the gitignored local config,
                        ${LOCAL_CONFIG} and .wrangler/cells/, which \`npm start\` serves)
  --config <path>       use this template and default cell's config as it is
  --cells <dir>         use this folder of the other cells' configs as it is
  --persist-to <dir>    local state directory, as for \`wrangler dev --persist-to\`
  --url-base <url>      base of the printed Tenant URL (local default: the port \`npm start\` serves
                        the tenant's cell on, else ${DEFAULT_URL_BASE})
  --yes                 confirm a destructive remote command
  --help                show this help

A slug is lower-case letters and digits with single inner hyphens, at most 40 characters.`;

function printToken(io: Output, label: string, token: MintedToken): void {
  io.out(`  ${label.padEnd(14)}${token.token}`);
}

/** Runs one command; returns the process exit code (2: bad arguments, nothing changed). */
export async function runTenantCommand(argv: string[], io: Output = consoleOutput): Promise<number> {
  let parsed: ReturnType<typeof parseTenantArgs>;
  try {
    parsed = parseTenantArgs(argv);
  } catch (error) {
    io.err(`error: ${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    io.out(USAGE);
    return 0;
  }
  const fleet = fleetFor(values);
  // Every cell shares one local state folder (as they share the account): the one wrangler uses
  // for the template, unless --persist-to names another.
  const stateDir = values["persist-to"] ?? localStateDir({ configPath: fleet.templatePath, remote: false });
  const targetOf = (configPath: string): WranglerTarget => ({ configPath, remote: values.remote, persistTo: stateDir });
  const targetOfTenant = (slug: string | undefined): WranglerTarget => {
    assertValidSlug(slug);
    const cell = cellOfTenant(fleet, slug);
    if (!cell) throw new TenantUsageError(`unknown tenant "${slug}" (in no cell: see \`cell list\`)`);
    return targetOf(cell.configPath);
  };
  const remote = values.remote;
  const where = remote ? "Cloudflare account" : "local";
  // Locally, the port `npm start` serves the cell on (it records them), unless --url-base says.
  const localUrl = (cell: Cell) =>
    usesLocalFleet(values)
      ? localCellUrl(
          cell.name,
          Math.max(
            0,
            listCells(fleet).findIndex((c) => c.name === cell.name),
          ),
        )
      : { base: DEFAULT_URL_BASE, served: false };
  const urlBase = (cell: Cell | undefined) =>
    values["url-base"] ??
    (remote
      ? cell?.host
        ? `https://${cell.host}`
        : REMOTE_URL_PLACEHOLDER
      : cell
        ? localUrl(cell).base
        : DEFAULT_URL_BASE);
  const [command, slug, ...extra] = positionals;

  try {
    if (command === "cell") return runCellCommand(positionals.slice(1), { fleet, values, io });
    if (command === "seal-key") return await runSealKeyCommand(positionals.slice(1), { fleet, values, stateDir, io });
    if (command === "client")
      return await runClientCommand(
        positionals.slice(1),
        values,
        targetOfTenant,
        (s) => urlBase(cellOfTenant(fleet, s)),
        io,
      );
    if (extra.length > 0) throw new TenantUsageError(`unexpected argument "${extra[0]}"`);
    switch (command) {
      case "add": {
        assertValidSlug(slug);
        const location = values.location;
        if (location !== undefined && !isD1Location(location))
          throw new TenantUsageError(`unknown --location "${location}" (use ${D1_LOCATIONS.join(", ")})`);
        if (usesLocalFleet(values)) refuseLocalSlug(slug);
        const cell = placeTenant(fleet, slug, values.cell);
        if (remote) assertNoPlaceholders([cell]);
        const target = targetOf(cell.configPath);
        const { scim, admin } = await addTenant(target, slug, {
          location,
          migrationsDir: cellMigrationsDir(fleet, cell),
        });
        const base = urlBase(cell);
        io.out(
          `Tenant "${slug}" is ready in cell "${cell.name}" (${where}). The tokens are shown only now: just their hashes are stored.`,
        );
        io.out(`  ${"Tenant URL".padEnd(14)}${tenantUrl(base, slug)}`);
        printToken(io, "Secret Token", scim);
        printToken(io, "Admin token", admin);
        io.out(`  ${"Admin API".padEnd(14)}${adminApiUrl(base, slug)}`);
        if (remote) {
          io.out(
            `Deploying cell "${cell.name}" (${cell.configPath}) so it gets the binding ${tenantBinding(slug)}; no other cell changes...`,
          );
          await deployCell(cell, { dryRun: false, cwd: process.cwd() });
          io.out(`Cell "${cell.name}" deployed.`);
        } else {
          if (location) io.out(`(--location applies to Cloudflare databases; a local one has no location.)`);
          io.out(localServingNote(cell, usesLocalFleet(values) ? localUrl(cell) : undefined));
        }
        return 0;
      }
      case "list": {
        if (slug !== undefined) throw new TenantUsageError(`unexpected argument "${slug}"`);
        const cells = listCells(fleet);
        if (cells.every((c) => c.tenants.length === 0)) io.out(`No tenants in any cell.`);
        for (const c of cells)
          for (const t of c.tenants)
            io.out(
              `${t.slug.padEnd(24)}${c.name.padEnd(14)}${t.binding.padEnd(32)}${t.databaseName.padEnd(30)}${t.databaseId.padEnd(38)}${tenantUrl(urlBase(c), t.slug)}`,
            );
        return 0;
      }
      case "rotate-token": {
        const scope = values.scope;
        if (!isTokenScope(scope)) throw new TenantUsageError(`unknown scope "${scope}" (use scim or admin)`);
        const token = await rotateToken(targetOfTenant(slug), slug, scope);
        io.out(`New ${scope} token of "${slug}" (${where}); the previous one no longer works. Shown only now:`);
        printToken(io, scope === "scim" ? "Secret Token" : "Admin token", token);
        return 0;
      }
      case "link":
        return await printSetupLink(targetOfTenant(slug), slug!, urlBase(cellOfTenant(fleet, slug!)), values, io);
      case "migrate": {
        if (slug !== undefined) throw new TenantUsageError(`unexpected argument "${slug}"`);
        return await runMigrate({ fleet, values, stateDir, io });
      }
      case "restore":
        return await runRestore({ fleet, values, slug, io });
      case "erase":
        return await runErase({ fleet, values, slug, stateDir, io });
      case "suspend":
      case "resume":
      case "export":
      case "import":
        return await runFleetApiCommand(command, { fleet, values, slug, io });
      case "remove": {
        const target = targetOfTenant(slug);
        if (remote && !values.yes) {
          throw new TenantUsageError(
            `removing "${slug}" with --remote deletes database ${databaseName(slug!)} and all its data from the Cloudflare account; add --yes to confirm`,
          );
        }
        await removeTenant(target, slug);
        io.out(`Tenant "${slug}" removed from ${target.configPath}; its tokens no longer work.`);
        if (!remote) io.out(`Its local data stays in the state directory until that is deleted.`);
        return 0;
      }
      case undefined:
        throw new TenantUsageError("missing command");
      default:
        throw new TenantUsageError(`unknown command "${command}"`);
    }
  } catch (error) {
    return reportError(error, io);
  }
}

/** Exit code 2 and the usage for a mistake in what was asked (nothing changed), else 1. */
export function reportError(error: unknown, io: Output): number {
  if (error instanceof TenantUsageError) {
    io.err(`error: ${error.message}\n\n${USAGE}`);
    return 2;
  }
  io.err(`error: ${(error as Error).message}`);
  return 1;
}

function isMain(): boolean {
  const entry = process.argv[1];
  return entry !== undefined && import.meta.url === pathToFileURL(realpathSync(entry)).href;
}

if (isMain()) process.exitCode = await runTenantCommand(process.argv.slice(2));
