import { tenantUrl } from "./names.ts";
import type { Output, ParsedValues } from "./command-line.ts";
import { addClient, listClients, revokeClient, secretDays } from "./clients.ts";
import { TenantUsageError } from "./tenants.ts";
import type { WranglerTarget } from "./wrangler.ts";

/**
 * `client add|list|revoke <slug>`: OAuth clients of a tenant. Errors propagate to the tenant
 * command's one reporter (exit code 2 for a usage mistake, nothing changed).
 */
export async function runClientCommand(
  args: string[],
  values: ParsedValues,
  targetOfTenant: (slug: string | undefined) => WranglerTarget,
  urlBaseOf: (slug: string) => string,
  io: Output,
): Promise<number> {
  const [sub, slug, clientId, ...extra] = args;
  if (extra.length > 0 || (sub !== "revoke" && clientId !== undefined))
    throw new TenantUsageError(`unexpected argument "${extra[0] ?? clientId}"`);
  switch (sub) {
    case "add": {
      const client = await addClient(targetOfTenant(slug), slug, values.name, secretDays(values.days));
      io.out(
        `OAuth client "${client.name}" of "${slug}" (${values.remote ? "Cloudflare account" : "local"}). The secret is shown only now.`,
      );
      const urlBase = urlBaseOf(slug!);
      io.out(`  ${"Tenant URL".padEnd(22)}${tenantUrl(urlBase, slug!)}`);
      io.out(`  ${"OAuth token endpoint".padEnd(22)}${urlBase.replace(/\/+$/, "")}/t/${slug}/oauth/token`);
      io.out(`  ${"Client identifier".padEnd(22)}${client.id}`);
      io.out(`  ${"Client secret".padEnd(22)}${client.secret}`);
      io.out(`  ${"Expires".padEnd(22)}${client.expires}`);
      return 0;
    }
    case "list": {
      const clients = await listClients(targetOfTenant(slug), slug);
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
      await revokeClient(targetOfTenant(slug), slug, clientId);
      io.out(`OAuth client ${clientId} of "${slug}" revoked; its access tokens no longer work.`);
      return 0;
    }
    default:
      throw new TenantUsageError(
        sub === undefined ? "missing client command (add, list or revoke)" : `unknown client command "${sub}"`,
      );
  }
}
