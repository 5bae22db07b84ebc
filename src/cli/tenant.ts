/**
 * `npm run tenant -- <command>`: onboard and manage tenants (DESIGN.md "Tenants").
 * Runs on Node 22 (type stripping), drives wrangler; see ./tenants.ts for the operations.
 */
import { realpathSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { tenantBinding } from "../tenants/slug.ts";
import { isTokenScope, type MintedToken } from "../tenants/tokens.ts";
import { addClient, listClients, revokeClient, secretDays } from "./clients.ts";
import { adminApiUrl, databaseName, tenantUrl } from "./names.ts";
import {
  addTenant,
  assertValidSlug,
  findTenant,
  listTenants,
  migrateAll,
  removeTenant,
  rotateToken,
  TenantUsageError,
} from "./tenants.ts";
import type { WranglerTarget } from "./wrangler.ts";

export * from "./tenants.ts";
export * from "./wrangler.ts";

export const DEFAULT_CONFIG = "wrangler.toml";
export const DEFAULT_URL_BASE = "http://127.0.0.1:8787";
const REMOTE_URL_PLACEHOLDER = "https://<your-worker-host>";

export const USAGE = `Usage: npm run tenant -- <command> [options]

Commands:
  add <slug>                          create the tenant's database and binding, apply migrations,
                                      mint its SCIM and admin tokens (printed once)
  list                                list the tenants bound in the config
  rotate-token <slug> [--scope S]     replace the tenant's token (S: scim (default) or admin);
                                      the old one stops at once
  migrate                             apply pending migrations to every tenant database
  remove <slug>                       unbind the tenant and stop its tokens
                                      (--remote also deletes its database: needs --yes)
  client add <slug> [--name N] [--days D]
                                      a new OAuth client id and secret (printed once), valid D
                                      days (default 365, at most 1095)
  client list <slug>                  the tenant's OAuth clients (never their secrets)
  client revoke <slug> <client id>    the client's secret and access tokens stop at once

Options:
  --remote              act on the Cloudflare account (default: local state)
  --config <path>       wrangler config file (default: ${DEFAULT_CONFIG})
  --persist-to <dir>    local state directory, as for \`wrangler dev --persist-to\`
  --url-base <url>      base of the printed Tenant URL (local default: ${DEFAULT_URL_BASE})
  --yes                 confirm a destructive remote command
  --help                show this help

A slug is lower-case letters and digits with single inner hyphens, at most 40 characters.`;

export interface Output {
  out: (line: string) => void;
  err: (line: string) => void;
}

const consoleOutput: Output = { out: (l) => console.log(l), err: (l) => console.error(l) };

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      remote: { type: "boolean", default: false },
      config: { type: "string", default: DEFAULT_CONFIG },
      "persist-to": { type: "string" },
      "url-base": { type: "string" },
      scope: { type: "string", default: "scim" },
      name: { type: "string", default: "Entra ID" },
      days: { type: "string" },
      yes: { type: "boolean", default: false },
      help: { type: "boolean", default: false },
    },
  });
}

function printToken(io: Output, label: string, token: MintedToken): void {
  io.out(`  ${label.padEnd(14)}${token.token}`);
}

/** Runs one command; returns the process exit code (2: bad arguments, nothing changed). */
export async function runTenantCommand(argv: string[], io: Output = consoleOutput): Promise<number> {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (error) {
    io.err(`error: ${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    io.out(USAGE);
    return 0;
  }
  const target: WranglerTarget = { configPath: values.config, remote: values.remote, persistTo: values["persist-to"] };
  const urlBase = values["url-base"] ?? (target.remote ? REMOTE_URL_PLACEHOLDER : DEFAULT_URL_BASE);
  const where = target.remote ? "Cloudflare account" : "local";
  if (positionals[0] === "client") return runClientCommand(positionals.slice(1), values, target, urlBase, io);
  const [command, slug, ...extra] = positionals;

  try {
    if (extra.length > 0) throw new TenantUsageError(`unexpected argument "${extra[0]}"`);
    switch (command) {
      case "add": {
        const { scim, admin } = await addTenant(target, slug);
        io.out(`Tenant "${slug}" is ready (${where}). The tokens are shown only now: just their hashes are stored.`);
        io.out(`  ${"Tenant URL".padEnd(14)}${tenantUrl(urlBase, slug!)}`);
        printToken(io, "Secret Token", scim);
        printToken(io, "Admin token", admin);
        io.out(`  ${"Admin API".padEnd(14)}${adminApiUrl(urlBase, slug!)}`);
        io.out(
          target.remote
            ? `Deploy the Worker (npx wrangler deploy --config ${target.configPath}) so it gets the binding ${tenantBinding(slug!)}.`
            : `A running \`wrangler dev\` needs a restart to see the new binding.`,
        );
        return 0;
      }
      case "list": {
        if (slug !== undefined) throw new TenantUsageError(`unexpected argument "${slug}"`);
        const tenants = listTenants(target);
        if (tenants.length === 0) io.out(`No tenants in ${target.configPath}.`);
        for (const t of tenants)
          io.out(`${t.slug.padEnd(24)}${t.binding.padEnd(32)}${t.databaseName.padEnd(30)}${t.databaseId}`);
        return 0;
      }
      case "rotate-token": {
        const scope = values.scope;
        if (!isTokenScope(scope)) throw new TenantUsageError(`unknown scope "${scope}" (use scim or admin)`);
        const token = await rotateToken(target, slug, scope);
        io.out(`New ${scope} token of "${slug}" (${where}); the previous one no longer works. Shown only now:`);
        printToken(io, scope === "scim" ? "Secret Token" : "Admin token", token);
        return 0;
      }
      case "migrate": {
        if (slug !== undefined) throw new TenantUsageError(`unexpected argument "${slug}"`);
        const tenants = await migrateAll(target, (t) => io.out(`Migrating ${t.databaseName} (${where})...`));
        io.out(`Migrations applied to ${tenants.length} tenant database(s).`);
        return 0;
      }
      case "remove": {
        assertValidSlug(slug);
        if (!findTenant(target, slug))
          throw new TenantUsageError(`unknown tenant "${slug}" (no binding in ${target.configPath})`);
        if (target.remote && !values.yes) {
          throw new TenantUsageError(
            `removing "${slug}" with --remote deletes database ${databaseName(slug)} and all its data from the Cloudflare account; add --yes to confirm`,
          );
        }
        await removeTenant(target, slug);
        io.out(`Tenant "${slug}" removed from ${target.configPath}; its tokens no longer work.`);
        if (!target.remote) io.out(`Its local data stays in the state directory until that is deleted.`);
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

/** `client add|list|revoke <slug>` (issue 11): OAuth clients of a tenant. */
async function runClientCommand(
  args: string[],
  values: ReturnType<typeof parse>["values"],
  target: WranglerTarget,
  urlBase: string,
  io: Output,
): Promise<number> {
  const [sub, slug, clientId, ...extra] = args;
  try {
    if (extra.length > 0 || (sub !== "revoke" && clientId !== undefined))
      throw new TenantUsageError(`unexpected argument "${extra[0] ?? clientId}"`);
    switch (sub) {
      case "add": {
        const client = await addClient(target, slug, values.name, secretDays(values.days));
        io.out(
          `OAuth client "${client.name}" of "${slug}" (${target.remote ? "Cloudflare account" : "local"}). The secret is shown only now.`,
        );
        io.out(`  ${"Tenant URL".padEnd(22)}${tenantUrl(urlBase, slug!)}`);
        io.out(`  ${"OAuth token endpoint".padEnd(22)}${urlBase.replace(/\/+$/, "")}/t/${slug}/oauth/token`);
        io.out(`  ${"Client identifier".padEnd(22)}${client.id}`);
        io.out(`  ${"Client secret".padEnd(22)}${client.secret}`);
        io.out(`  ${"Expires".padEnd(22)}${client.expires}`);
        return 0;
      }
      case "list": {
        const clients = await listClients(target, slug);
        if (clients.length === 0) io.out(`No OAuth clients in "${slug}".`);
        for (const c of clients) {
          const state = c.revoked ? `revoked ${c.revoked}` : `expires ${c.expires}`;
          io.out(
            `${c.clientId.padEnd(30)}${c.name.slice(0, 30).padEnd(32)}created ${c.created}  ${state}  last used ${c.lastUsed ?? "never"}`,
          );
        }
        return 0;
      }
      case "revoke": {
        await revokeClient(target, slug, clientId);
        io.out(`OAuth client ${clientId} of "${slug}" revoked; its access tokens no longer work.`);
        return 0;
      }
      default:
        throw new TenantUsageError(
          sub === undefined ? "missing client command (add, list or revoke)" : `unknown client command "${sub}"`,
        );
    }
  } catch (error) {
    return reportError(error, io);
  }
}

/** Exit code 2 and the usage for a mistake in what was asked (nothing changed), else 1. */
function reportError(error: unknown, io: Output): number {
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
