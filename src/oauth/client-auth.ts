import { OAuthError } from "./errors";

/** RFC 7523 §2.2: the one client assertion type accepted. */
export const JWT_BEARER_ASSERTION = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
const BASIC = /^Basic +([A-Za-z0-9+/]+=*) *$/i;

export type ClientCredentials =
  | { method: "client_secret_basic" | "client_secret_post"; clientId: string; secret: string }
  | { method: "private_key_jwt"; clientId: string | undefined; assertion: string };

const invalidClient = (reason: string) => new OAuthError("invalid_client", "Client authentication failed.", reason);

/**
 * How the client authenticates (RFC 6749 §2.3.1, RFC 7523 §2.2): HTTP Basic, client_id and
 * client_secret in the body, or a client assertion. Exactly one method (§2.3: "MUST NOT use more
 * than one"); none at all is invalid_client, as an unauthenticated confidential client is.
 */
export function clientCredentials(authorization: string | undefined, params: Map<string, string>): ClientCredentials {
  const bodyId = params.get("client_id");
  const bodySecret = params.get("client_secret");
  const assertion = params.get("client_assertion");
  const assertionType = params.get("client_assertion_type");
  const used = [
    authorization !== undefined,
    bodySecret !== undefined,
    assertion !== undefined || assertionType !== undefined,
  ];
  if (used.filter(Boolean).length > 1)
    throw new OAuthError("invalid_request", "Use exactly one client authentication method.");

  if (authorization !== undefined) {
    const basic = parseBasic(authorization);
    if (bodyId !== undefined && bodyId !== basic.clientId)
      throw new OAuthError("invalid_request", "client_id differs from the Basic credentials.");
    return { method: "client_secret_basic", ...basic };
  }
  if (bodySecret !== undefined) {
    if (bodyId === undefined) throw invalidClient("client_secret without client_id");
    return { method: "client_secret_post", clientId: bodyId, secret: bodySecret };
  }
  if (assertion !== undefined || assertionType !== undefined) {
    if (assertion === undefined || assertionType === undefined) {
      throw new OAuthError("invalid_request", "client_assertion and client_assertion_type go together.");
    }
    if (assertionType !== JWT_BEARER_ASSERTION)
      throw new OAuthError("invalid_request", `client_assertion_type must be ${JWT_BEARER_ASSERTION}.`);
    return { method: "private_key_jwt", clientId: bodyId, assertion };
  }
  throw invalidClient(bodyId === undefined ? "no client authentication" : "client_id without a secret or assertion");
}

/** §2.3.1: id and secret are form-encoded, joined by ':', then base64 encoded. */
function parseBasic(header: string): { clientId: string; secret: string } {
  const m = BASIC.exec(header);
  if (!m) throw invalidClient("the Authorization header is not HTTP Basic");
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(
      Uint8Array.from(atob(m[1]), (ch) => ch.charCodeAt(0)),
    );
  } catch {
    throw invalidClient("the Basic credentials are not base64 of UTF-8");
  }
  const colon = text.indexOf(":");
  if (colon < 0) throw invalidClient("the Basic credentials have no ':'");
  const clientId = formDecode(text.slice(0, colon));
  const secret = formDecode(text.slice(colon + 1));
  if (!clientId || !secret) throw invalidClient("the Basic credentials are incomplete");
  return { clientId, secret };
}

function formDecode(s: string): string {
  try {
    return decodeURIComponent(s.replace(/\+/g, " "));
  } catch {
    throw invalidClient("the Basic credentials are not form-encoded");
  }
}
