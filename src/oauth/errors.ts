/**
 * The token endpoint's one error type, rendered exactly as RFC 6749 §5.2: a JSON object with
 * `error` and `error_description`, never a SCIM error body. `reason` is what the audit record
 * (P23) says about the refusal; it never holds a secret or an assertion.
 */
export type OAuthErrorCode =
  "invalid_request" | "invalid_client" | "unsupported_grant_type" | "invalid_scope" | "server_error";

export class OAuthError extends Error {
  constructor(
    readonly code: OAuthErrorCode,
    readonly description: string,
    /** For the audit log only; defaults to the description. */
    readonly reason: string = description,
  ) {
    super(description);
  }

  /** §5.2: 400, except invalid_client (401 with a WWW-Authenticate challenge for Basic); server_error is a bug. */
  get status(): number {
    return this.code === "invalid_client" ? 401 : this.code === "server_error" ? 500 : 400;
  }
}

/** RFC 6749 §5.1: token responses and errors must not be cached. */
export const NO_STORE = { "Cache-Control": "no-store", Pragma: "no-cache" } as const;

export function oauthErrorResponse(err: OAuthError, extra: Record<string, string> = {}, status = err.status): Response {
  const headers: Record<string, string> = { "Content-Type": "application/json; charset=utf-8", ...NO_STORE, ...extra };
  if (err.code === "invalid_client") headers["WWW-Authenticate"] = 'Basic realm="oauth", charset="UTF-8"';
  return new Response(JSON.stringify({ error: err.code, error_description: err.description }), { status, headers });
}

/**
 * Too many attempts: RFC 6585 429 with Retry-After. RFC 6749 has no code for this at the token
 * endpoint; `temporarily_unavailable` (registered in §4.1.2.1) is the closest registered one.
 */
export function tooManyRequests(retryAfterSeconds: number): Response {
  return new Response(
    JSON.stringify({ error: "temporarily_unavailable", error_description: "Too many token requests; retry later." }),
    {
      status: 429,
      headers: {
        "Content-Type": "application/json; charset=utf-8",
        ...NO_STORE,
        "Retry-After": String(retryAfterSeconds),
      },
    },
  );
}
