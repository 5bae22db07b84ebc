import type { Context } from "hono";
import { bodyLimit } from "hono/body-limit";
import { HTTPException } from "hono/http-exception";
import { ScimError } from "../scim/errors";
import { MAX_BODY_BYTES } from "../scim/limits";
import { etagOf } from "../scim/meta";
import { SealError } from "../platform/seal";

export const SCIM_CONTENT_TYPE = "application/scim+json";

/** Every SCIM answer, success or error, is application/scim+json (RFC 7644 section 3.1). */
export function scimJson(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "Content-Type": `${SCIM_CONTENT_TYPE}; charset=utf-8`, ...headers },
  });
}

/** One wire format of errors: SCIM (RFC 7644 3.12) or the admin API's plain JSON. */
export type ErrorRenderer = (err: ScimError) => Response;

/** A known path asked with a method it does not serve: 405 with `Allow` (RFC 9110 15.5.6). */
export class MethodNotAllowed extends ScimError {
  constructor(readonly allow: string) {
    super(405, `Method not allowed here; allowed: ${allow}.`);
  }
}

/** RFC 6585 §4: too many requests, with Retry-After (RFC 9110 10.2.3) in seconds. */
export class TooManyRequests extends ScimError {
  constructor(
    readonly retryAfter: number,
    detail: string,
  ) {
    super(429, detail);
  }
}

function withStatusHeaders(err: ScimError, res: Response, realm: string): Response {
  if (err.status === 401) res.headers.set("WWW-Authenticate", `Bearer realm="${realm}"`);
  if (err instanceof MethodNotAllowed) res.headers.set("Allow", err.allow);
  if (err instanceof TooManyRequests) res.headers.set("Retry-After", String(err.retryAfter));
  // The admin services' TooSoon (admin/errors.ts), which cannot import this layer.
  const retryAfter = (err as { retryAfterSeconds?: unknown }).retryAfterSeconds;
  if (err.status === 429 && typeof retryAfter === "number") res.headers.set("Retry-After", String(retryAfter));
  return res;
}

export const renderScimError: ErrorRenderer = (err) =>
  withStatusHeaders(err, scimJson(err.toJSON(), err.status), "scim");

/** The admin API speaks plain JSON, not SCIM: `{ "error": { "status", "message" } }`. */
export const renderAdminError: ErrorRenderer = (err) =>
  withStatusHeaders(
    err,
    Response.json(
      { error: { status: err.status, message: err.detail, ...(err.reason ? { reason: err.reason } : {}) } },
      { status: err.status },
    ),
    "admin",
  );

/** RFC 8935 §2.3 error codes, which RFC 8936 §2.4 poll answers use too. */
const POLL_ERR: Record<number, string> = { 401: "authentication_failed", 403: "access_denied" };

/**
 * RFC 8936 poll (`/t/<tenant>/events/poll`): `{"err", "description"}`; a refused token is 401
 * with RFC 6750's challenge, `error="invalid_token"`, the same for every token problem.
 */
export const renderPollError: ErrorRenderer = (err) => {
  const res = Response.json(
    { err: POLL_ERR[err.status] ?? "invalid_request", description: err.detail },
    { status: err.status },
  );
  withStatusHeaders(err, res, "events");
  if (err.status === 401) res.headers.set("WWW-Authenticate", 'Bearer realm="events", error="invalid_token"');
  return res;
};

/**
 * The one error boundary, for every route: `rendererFor` picks the wire format from the path.
 * A ScimError (or a 4xx of Hono's own middleware) is the client's; anything else is a bug:
 * logged (without request headers, so no token reaches a log) and answered with a generic 500.
 */
export function errorBoundary(rendererFor: (path: string) => ErrorRenderer) {
  return (err: Error, c: Context): Response => {
    const render = rendererFor(c.req.path);
    if (err instanceof ScimError) return render(err);
    if (err instanceof HTTPException && err.status < 500) return render(new ScimError(err.status, err.message));
    if (err instanceof SealError) {
      // The operator's configuration (SEAL_KEYS), not the client's request: said plainly, never a 500.
      console.error(JSON.stringify({ msg: "sealing failed", path: c.req.path, error: err.message }));
      return render(
        new ScimError(503, "The service cannot open or seal stored secrets: its operator must set SEAL_KEYS."),
      );
    }
    console.error(JSON.stringify({ msg: "unhandled error", path: c.req.path, error: String(err?.stack ?? err) }));
    return render(new ScimError(500, "The service could not complete the request."));
  };
}

/** RFC 7232 section 4.1: no body, the ETag the 200 would have carried. */
export const notModifiedResponse = (version: number) =>
  new Response(null, { status: 304, headers: { ETag: etagOf(version) } });

/** Registered after a path's real methods: any other method on a known path is 405, not 404. */
export function methodNotAllowed(allowed: string): () => never {
  return () => {
    throw new MethodNotAllowed(allowed);
  };
}

/**
 * Hono's body limit: a declared Content-Length over the cap is refused unread, and a chunked
 * body is cut at the cap instead of being buffered whole.
 */
export const cappedBody = (maxBytes = MAX_BODY_BYTES) =>
  bodyLimit({
    maxSize: maxBytes,
    onError: () => {
      throw new ScimError(413, `The request body exceeds ${maxBytes} bytes (the limit).`);
    },
  });
