/** Local onboarding's own rules and advice (docs/local.md). */
import { cellOfTenant, type Cell } from "./cells.ts";
import { DEMO_TENANT, trackedFleet } from "./local-fleet.ts";
import type { LocalCellUrl } from "./served-ports.ts";
import { TenantUsageError } from "./usage-error.ts";

/**
 * Refuses a slug the local fleet must not take: demo, which `npm start` onboards and whose tokens
 * it keeps (another `add demo` would mint new ones and revoke those), and a slug of a tracked
 * cell, which the local fleet does not serve but whose name it must not reuse.
 */
export function refuseLocalSlug(slug: string): void {
  if (slug === DEMO_TENANT)
    throw new TenantUsageError(
      `"${DEMO_TENANT}" is npm start's own tenant (npm start prints its Tenant URL and tokens); choose another slug; nothing changed`,
    );
  const tracked = cellOfTenant(trackedFleet(), slug);
  if (tracked)
    throw new TenantUsageError(
      `tenant "${slug}" already exists in cell "${tracked.name}" (${tracked.configPath}); nothing changed`,
    );
}

/** What to do for a new local tenant to answer: nothing while `npm start` runs. */
export function localServingNote(cell: Cell, url: LocalCellUrl | undefined): string {
  if (!url)
    return `A running \`wrangler dev\` of ${cell.configPath} reloads its config by itself: the tenant answers within seconds.`;
  if (url.served)
    return `npm start serves cell "${cell.name}" at ${url.base} and reloads its config by itself: the tenant answers there within seconds, no restart.`;
  return `npm start is not running: \`npm start\` serves the tenant in cell "${cell.name}"${cell.isDefault ? "" : " on the port it prints for that cell"}.`;
}
