/**
 * `npm run deploy -- --remote | --dry-run`: the whole fleet in one command (./deploy-steps.ts).
 * The dry run needs no account and runs in `npm test`: it prints every step and bundles and
 * checks every cell with `wrangler deploy --dry-run`.
 */
import { parseArgs } from "node:util";
import { deployFleet } from "./deploy-steps.ts";
import { parseConcurrency } from "./fleet-commands.ts";
import { DEFAULT_CELLS_DIR, DEFAULT_CONFIG } from "./command-line.ts";

const USAGE = `Usage: npm run deploy -- --remote | --dry-run [--config wrangler.toml] [--cells cells] [--concurrency N]`;

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      remote: { type: "boolean", default: false },
      "dry-run": { type: "boolean", default: false },
      config: { type: "string", default: DEFAULT_CONFIG },
      cells: { type: "string", default: DEFAULT_CELLS_DIR },
      concurrency: { type: "string" },
      help: { type: "boolean", default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  if (values.remote === values["dry-run"]) {
    console.error(`error: give exactly one of --remote and --dry-run\n${USAGE}`);
    return 2;
  }
  const ok = await deployFleet(
    { templatePath: values.config, cellsDir: values.cells },
    { dryRun: values["dry-run"], cwd: process.cwd(), concurrency: parseConcurrency(values.concurrency) },
  );
  return ok ? 0 : 1;
}

main().then(
  (code) => (process.exitCode = code),
  (error: Error) => {
    console.error(`npm run deploy: ${error.message}`);
    process.exitCode = 1;
  },
);
