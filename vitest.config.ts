import { createServer } from "node:net";
import { randomBytes } from "node:crypto";
import path from "node:path";
import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";
import { DEV_CLIENT_ID, DEV_CLIENT_SECRET } from "./src/cli/dev-client.ts";

/** Tenants the in-workerd suites use; each gets its own local D1 with the migrations applied (initech: the roles suite, whose mapping must not reach the others). */
const TEST_TENANTS = ["acme", "globex", "initech"];

/**
 * A sealing key of this run only (docs/secrets.md; wrangler.toml requires the secret). In the
 * environment too, so the black-box tests' `wrangler dev` and tenant CLI seal with the same key.
 */
const SEAL_KEYS = (process.env.SEAL_KEYS ??= `test:${randomBytes(32).toString("base64url")}`);

/** A free loopback port, for the development OpenID provider the Worker under test signs in with. */
const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() =>
        address && typeof address !== "string" ? resolve(address.port) : reject(new Error("no port")),
      );
    });
  });

export default defineConfig(async () => {
  const migrations = await readD1Migrations(path.join(import.meta.dirname, "drizzle"));
  // Chosen here because it goes into the Worker's bindings; globalSetup starts the provider on it.
  process.env.DEV_IDENTITY_PORT ??= String(await freePort());
  const identity = `http://127.0.0.1:${process.env.DEV_IDENTITY_PORT}`;
  return {
    test: {
      projects: [
        {
          plugins: [
            cloudflareTest({
              wrangler: { configPath: "./wrangler.toml" },
              // The production Worker with the test clock route in front (test/worker-entry/).
              main: "./test/worker-entry/index.ts",
              miniflare: {
                d1Databases: {
                  ...Object.fromEntries(TEST_TENANTS.map((t) => [`TENANT_${t.toUpperCase()}`, `test-${t}`])),
                  // A database without tables: the fleet cron test binds it as a broken tenant.
                  UNMIGRATED_D1: "test-unmigrated",
                  // An empty tenant database the fleet lifecycle test imports an export into.
                  SPARE_D1: "test-spare",
                },
                bindings: {
                  TEST_MIGRATIONS: migrations,
                  TEST_TENANTS,
                  SEAL_KEYS,
                  MICROSOFT_AUTHORITY: identity,
                  MICROSOFT_CLIENT_ID: DEV_CLIENT_ID,
                  MICROSOFT_CLIENT_SECRET: DEV_CLIENT_SECRET,
                  SIGNIN_ALLOW_LOOPBACK_HTTP: "1",
                },
                // The lowest SCIM rate ceiling counts 100 per 10 s here instead of 500: a burst past
                // it must fit in one window on a shared 2-core machine (test/worker/scim-rate.test.ts).
                // The black-box measurement (scim-rate.test.ts there) runs wrangler.toml's numbers.
                ratelimits: { SCIM_RATE_50: { namespace_id: "12101", simple: { limit: 100, period: 10 } } },
              },
            }),
          ],
          test: {
            name: "workers",
            include: ["test/unit/**/*.test.ts", "test/worker/**/*.test.ts"],
            setupFiles: ["./test/worker/setup.ts"],
            // A local JWKS host for the OAuth federation tests (issue 11).
            globalSetup: ["./test/blackbox/jwks-server.ts", "./test/blackbox/identity-server.ts"],
          },
        },
        {
          test: {
            name: "blackbox",
            include: ["test/blackbox/**/*.test.ts"],
            environment: "node",
            testTimeout: 180_000,
            hookTimeout: 180_000,
          },
        },
      ],
    },
  };
});
