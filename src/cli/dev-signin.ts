/**
 * `npm start`'s sign-in (docs/people.md): the development OpenID provider on loopback, the
 * Worker's variables that point "Sign in with Microsoft" at it, and a setup link for the demo
 * tenant. The variables are local-only: a deploy refuses them (./local-only-vars.ts).
 */
import { createSetupLink } from "./setup-link.ts";
import { DEV_CLIENT_ID, DEV_CLIENT_SECRET, startDevIdentity } from "./dev-identity.ts";
import type { WranglerTarget } from "./wrangler.ts";

export interface DevSignIn {
  /** For `wrangler dev --var`. */
  vars: Record<string, string>;
  /** Prints a fresh owner setup link of `slug`. */
  printSetupLink(target: WranglerTarget, baseUrl: string, slug: string): Promise<void>;
}

export async function startDevSignIn(): Promise<DevSignIn> {
  const identity = await startDevIdentity(0, { anyEmail: true });
  return {
    vars: {
      MICROSOFT_AUTHORITY: identity.url,
      MICROSOFT_CLIENT_ID: DEV_CLIENT_ID,
      MICROSOFT_CLIENT_SECRET: DEV_CLIENT_SECRET,
      SIGNIN_ALLOW_LOOPBACK_HTTP: "1",
    },
    async printSetupLink(target, baseUrl, slug) {
      const link = await createSetupLink(target, slug, baseUrl, { role: "owner", minutes: "60" });
      console.log(
        `Setup link (owner of "${slug}", works once within the hour):\n  ${link.url}\n` +
          `  "Sign in with Microsoft" goes to a local OpenID provider (${identity.url}): any email, any password.`,
      );
    },
  };
}
