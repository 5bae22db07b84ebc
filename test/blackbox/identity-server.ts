/**
 * The development OpenID provider (src/cli/dev-identity.ts) as the workers project's globalSetup:
 * a real `oidc-provider` on loopback, issuing Entra-shaped ID tokens, which the Worker under test
 * reaches as its MICROSOFT_AUTHORITY. The port is chosen when the config loads (it goes into the
 * Worker's bindings) and handed here through DEV_IDENTITY_PORT.
 */
import type { TestProject } from "vitest/node";
import { startDevIdentity } from "../../src/cli/dev-identity.ts";

declare module "vitest" {
  export interface ProvidedContext {
    identityUrl: string;
  }
}

export async function setup(project: TestProject): Promise<() => Promise<void>> {
  const identity = await startDevIdentity(Number(process.env.DEV_IDENTITY_PORT ?? 0));
  project.provide("identityUrl", identity.url);
  return () => identity.close();
}
