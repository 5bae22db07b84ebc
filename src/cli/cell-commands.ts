/** `npm run tenant -- cell add|list|sync` (docs/fleet.md). */
import { addCell, listCells, parseCapacity, syncCells, type Fleet } from "./cells.ts";
import type { Output, ParsedValues } from "./command-line.ts";
import { usesLocalFleet } from "./local-fleet.ts";
import { TenantUsageError } from "./usage-error.ts";

export interface CellCommandContext {
  fleet: Fleet;
  values: ParsedValues;
  io: Output;
}

export function runCellCommand(args: string[], { fleet, values, io }: CellCommandContext): number {
  const [sub, name, ...extra] = args;
  if (extra.length > 0) throw new TenantUsageError(`unexpected argument "${extra[0]}"`);
  switch (sub) {
    case "add": {
      const cell = addCell(fleet, name, values.host, parseCapacity(values.capacity));
      io.out(`Cell "${cell.name}" added: ${cell.configPath}, host ${cell.host}, room for ${cell.capacity} tenants.`);
      if (usesLocalFleet(values))
        io.out(
          `A local cell (gitignored file): npm start serves it on a port of its own, with its cron; a running npm start picks it up within seconds.`,
        );
      else
        io.out(
          `\`npm run deploy -- --remote\` creates its Worker, queues and the custom domain ${cell.host}, which must be in a zone of the Cloudflare account and serve nothing else.`,
        );
      return 0;
    }
    case "list": {
      if (name !== undefined) throw new TenantUsageError(`unexpected argument "${name}"`);
      io.out(`${"cell".padEnd(14)}${"tenants".padStart(8)}${"room".padStart(8)}  ${"host".padEnd(36)}config`);
      for (const c of listCells(fleet))
        io.out(
          `${c.name.padEnd(14)}${String(c.tenants.length).padStart(8)}${String(c.capacity - c.tenants.length).padStart(8)}  ${(c.host ?? "(workers.dev)").padEnd(36)}${c.configPath}`,
        );
      return 0;
    }
    case "sync": {
      if (name !== undefined) throw new TenantUsageError(`unexpected argument "${name}"`);
      const changed = syncCells(fleet);
      io.out(
        changed.length === 0
          ? `Every cell already matches ${fleet.templatePath}.`
          : `Regenerated from ${fleet.templatePath}: ${changed.map((c) => c.configPath).join(", ")}. Deploy them (npm run deploy -- --remote).`,
      );
      return 0;
    }
    default:
      throw new TenantUsageError(
        sub === undefined ? "missing cell command (add, list or sync)" : `unknown cell command "${sub}"`,
      );
  }
}
