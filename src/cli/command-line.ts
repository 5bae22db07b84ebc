import { parseArgs } from "node:util";

/**
 * The tenant CLI's parsed command line and output, apart from tenant.ts so that the command
 * modules it dispatches to (cell-commands.ts, fleet-commands.ts) and deploy.ts import them
 * without importing the dispatcher back.
 */

export const DEFAULT_CONFIG = "wrangler.toml";
export const DEFAULT_CELLS_DIR = "cells";
export const DEFAULT_URL_BASE = "http://127.0.0.1:8787";

export interface Output {
  out: (line: string) => void;
  err: (line: string) => void;
}

export const consoleOutput: Output = { out: (l) => console.log(l), err: (l) => console.error(l) };

export type ParsedValues = ReturnType<typeof parseTenantArgs>["values"];

export function parseTenantArgs(argv: string[]) {
  return parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      remote: { type: "boolean", default: false },
      // No defaults: given, they name the files to use as they are; absent, the command acts on the
      // local fleet, or with --remote on wrangler.toml and cells/ (./local-fleet.ts).
      config: { type: "string" },
      cells: { type: "string" },
      cell: { type: "string" },
      host: { type: "string" },
      capacity: { type: "string" },
      location: { type: "string" },
      concurrency: { type: "string" },
      check: { type: "boolean", default: false },
      timestamp: { type: "string" },
      "dry-run": { type: "boolean", default: false },
      "persist-to": { type: "string" },
      "url-base": { type: "string" },
      scope: { type: "string", default: "scim" },
      name: { type: "string", default: "Entra ID" },
      days: { type: "string" },
      role: { type: "string" },
      email: { type: "string" },
      minutes: { type: "string" },
      yes: { type: "boolean", default: false },
      confirm: { type: "string" },
      reason: { type: "string" },
      out: { type: "string" },
      file: { type: "string" },
      help: { type: "boolean", default: false },
    },
  });
}
