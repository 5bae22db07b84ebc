/**
 * A real Chromium for the console's browser tests, found in this order: CHROMIUM_PATH, a system
 * Chromium or Chrome, else the `@sparticuz/chromium` devDependency (a Linux x64 Chromium inside
 * an npm package; Playwright's own browser download needs the internet). No browser is an
 * error that says what to do, never a skipped test.
 */
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { type Browser, type Page, chromium } from "playwright-core";

const SYSTEM_BROWSERS = [
  "/usr/bin/chromium",
  "/usr/bin/chromium-browser",
  "/usr/bin/google-chrome",
  "/usr/bin/google-chrome-stable",
];

export async function findChromium(): Promise<string> {
  const fromEnv = process.env.CHROMIUM_PATH;
  if (fromEnv) {
    if (!existsSync(fromEnv)) throw new Error(`CHROMIUM_PATH is set to ${fromEnv}, which does not exist.`);
    return fromEnv;
  }
  const system = SYSTEM_BROWSERS.find((p) => existsSync(p));
  if (system) return system;
  try {
    const sparticuz = (await import("@sparticuz/chromium")).default;
    return await sparticuz.executablePath();
  } catch (error) {
    throw new Error(
      `No Chromium for the console's browser tests: set CHROMIUM_PATH, install Debian's chromium package, or run npm ci ` +
        `(it installs @sparticuz/chromium, Linux x64 only). Last error: ${String(error)}`,
      { cause: error },
    );
  }
}

export async function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: await findChromium(),
    headless: true,
    args: ["--no-sandbox", "--disable-dev-shm-usage"],
  });
}

const axeSource = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[] }[];
}

/** axe-core run in the page (through the debugger protocol, so the page's CSP stays strict). */
export async function axeViolations(page: Page): Promise<AxeViolation[]> {
  await page.evaluate(`${axeSource};undefined`);
  const result = (await page.evaluate(`axe.run(document, { resultTypes: ["violations"] })`)) as {
    violations: AxeViolation[];
  };
  return result.violations;
}
