/** The vendor app's registration at the development OpenID provider (./dev-identity.ts): what MICROSOFT_CLIENT_ID/SECRET name locally. */
export const DEV_CLIENT_ID = "edge-scim-dev";
export const DEV_CLIENT_SECRET = "edge-scim-dev-secret-not-for-production";
