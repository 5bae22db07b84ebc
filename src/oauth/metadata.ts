import { JWT_BEARER_ASSERTION } from "./client-auth";
import { ACCEPTED_ALGS } from "./jwt";

/** The path segment RFC 8414 §3 registers for OAuth 2.0 authorization server metadata. */
export const METADATA_SEGMENT = ".well-known/oauth-authorization-server";

/** The client authentication methods the token endpoint accepts (client-auth.ts). */
export const TOKEN_ENDPOINT_AUTH_METHODS = ["client_secret_basic", "client_secret_post", "private_key_jwt"] as const;

/**
 * RFC 8414 §2: what a client needs to find and use a tenant's token endpoint. Each tenant is its
 * own issuer, `<base>/t/<tenant>` (an issuer with a path, §3.1), since its clients, secrets and
 * tokens are its own. The document is the same for every tenant slug but for the slug: it is
 * computed, not read, so asking it of a slug that names no tenant answers alike (nothing tells
 * which tenants exist, as at the token endpoint).
 */
export function authorizationServerMetadata(base: string, slug: string) {
  const issuer = `${base}/t/${slug}`;
  return {
    issuer,
    token_endpoint: `${issuer}/oauth/token`,
    // §2: REQUIRED, even for a server without an authorization endpoint: none is supported.
    response_types_supported: [],
    grant_types_supported: ["client_credentials"],
    token_endpoint_auth_methods_supported: [...TOKEN_ENDPOINT_AUTH_METHODS],
    token_endpoint_auth_signing_alg_values_supported: [...ACCEPTED_ALGS],
    // RFC 7523 §2.2: the assertion type private_key_jwt sends (informational; not an RFC 8414 field).
    client_assertion_types_supported: [JWT_BEARER_ASSERTION],
    scopes_supported: ["scim"],
    service_documentation:
      "https://learn.microsoft.com/entra/identity/app-provisioning/use-scim-to-provision-users-and-groups",
  };
}
