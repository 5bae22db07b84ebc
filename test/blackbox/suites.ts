/**
 * Where the public conformance suites live. They are data kept beside the project
 * (`../shared/peers/suites/`, see its README), not committed here; SCIM_SUITES_DIR overrides.
 * A missing suite fails the run loudly: a conformance gate that silently skips is no gate.
 */
import { existsSync } from "node:fs";
import path from "node:path";

const ROOT = path.resolve(import.meta.dirname, "../..");
const CANDIDATES = [
  process.env.SCIM_SUITES_DIR,
  path.resolve(ROOT, "../shared/peers/suites"),
  "/work/shared/peers/suites",
];

export function suiteFile(relative: string): string {
  for (const dir of CANDIDATES) {
    if (dir && existsSync(path.join(dir, relative))) return path.join(dir, relative);
  }
  throw new Error(
    `conformance suite file ${relative} not found; looked in ${CANDIDATES.filter(Boolean).join(", ")} (set SCIM_SUITES_DIR)`,
  );
}
