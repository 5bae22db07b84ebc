/**
 * `npm run tenant -- link <slug>`: a single-use setup link that makes whoever follows it and signs
 * in an admin of the tenant (docs/people.md). Only the link's hash is stored, in the tenant's D1.
 */
import { insertSetupLinkSql } from "../tenants/token-rows.ts";
import { randomBase64url, sha256Hex } from "../tenants/tokens.ts";
import { inlineSql } from "./tokens.ts";
import { TenantUsageError } from "./tenants.ts";
import { d1Execute, type WranglerTarget } from "./wrangler.ts";
import { databaseName } from "./names.ts";

const ROLES = ["owner", "admin", "viewer"];
const MAX_MINUTES = 60;
const DEFAULT_MINUTES = 15;

export interface LinkOptions {
  role?: string;
  email?: string;
  minutes?: string;
}

export async function createSetupLink(
  target: WranglerTarget,
  slug: string,
  urlBase: string,
  options: LinkOptions = {},
): Promise<{ url: string; role: string; expires: string }> {
  const role = options.role ?? "owner";
  if (!ROLES.includes(role)) throw new TenantUsageError(`unknown role "${role}" (use owner, admin or viewer)`);
  const minutes = options.minutes === undefined ? DEFAULT_MINUTES : Number(options.minutes);
  if (!Number.isInteger(minutes) || minutes < 1 || minutes > MAX_MINUTES)
    throw new TenantUsageError(`--minutes must be a whole number from 1 to ${MAX_MINUTES}`);
  const email = options.email?.trim().toLowerCase() || null;
  if (email !== null && !/^[^\s@]+@[^\s@]+$/.test(email))
    throw new TenantUsageError(`"${email}" is not an email address`);
  const secret = `scimsl_${randomBase64url(32)}`;
  const now = new Date();
  const expires = new Date(now.getTime() + minutes * 60_000).toISOString();
  const sql = insertSetupLinkSql({
    id: crypto.randomUUID(),
    hash: await sha256Hex(secret),
    role,
    email,
    created: now.toISOString(),
    expires,
  });
  await d1Execute(target, databaseName(slug), sql.map(inlineSql).join("; ") + ";");
  return { url: `${urlBase}/t/${encodeURIComponent(slug)}/admin/setup?link=${secret}`, role, expires };
}

/** `link <slug>`: prints the link (the only place its secret ever appears). */
export async function printSetupLink(
  target: WranglerTarget,
  slug: string,
  urlBase: string,
  options: LinkOptions,
  io: { out(line: string): void },
): Promise<number> {
  const link = await createSetupLink(target, slug, urlBase, options);
  io.out(
    `Setup link for "${slug}" (${target.remote ? "Cloudflare account" : "local"}), ${link.role}, works once until ${link.expires}:`,
  );
  io.out(`  ${link.url}`);
  return 0;
}
