import type { Context } from "hono";
import type { SignInRefusal } from "../../signin/flow";
import { publicBase } from "../../http/public-url";

/** The browser binding of a sign-in in flight (signin/flow.ts): `__Host-`, HttpOnly, Secure, 10 minutes. */
export const FLOW_COOKIE = "__Host-signin";
export const FLOW_COOKIE_SECONDS = 600;

/** The one redirect URI of every tenant (the state names the tenant): register it with the provider. */
export const CALLBACK_PATH = "/signin/callback";
export const callbackUrl = (c: Context) => `${publicBase(c.env, c.req.url)}${CALLBACK_PATH}`;

/** What the sign-in page says for each refused sign-in (`?failed=<code>`). */
export const SIGN_IN_REFUSALS: Record<SignInRefusal, string> = {
  flow: "This sign-in has expired or was already used. Start again.",
  browser: "This sign-in was started in another browser. Start again here.",
  provider:
    "Your identity provider's answer could not be verified, so you were not signed in. Start again; if it keeps failing, ask your IT team.",
  "entra-tenant":
    "Your organisation's Microsoft Entra tenant is not one this tenant's admins sign in from. Ask an owner for a setup link.",
  "not-admin": "You are not an admin of this tenant. Ask an owner for a setup link.",
  "unverified-email": "Your identity provider says your email address is not verified, so you were not signed in.",
  link: "This setup link was used or has expired. Ask an owner for a new link.",
  "link-email": "This invitation is for another email address. Sign in with the account it was sent to.",
  unavailable: "This sign-in is not set up for this service. Sign in with an admin API key, or ask the operator.",
};
