import type { Context } from "hono";
import { ScimError } from "../scim/errors";

export const SCIM_CONTENT_TYPE = "application/scim+json";

/** Every SCIM answer, success or error, is application/scim+json (RFC 7644 section 3.1). */
export function scimJson(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "Content-Type": `${SCIM_CONTENT_TYPE}; charset=utf-8`, ...headers },
  });
}

export function renderScimError(err: ScimError): Response {
  const headers: Record<string, string> = {};
  if (err.status === 401) headers["WWW-Authenticate"] = 'Bearer realm="scim"';
  return scimJson(err.toJSON(), err.status, headers);
}

/**
 * The one error boundary. Anything that is not a ScimError is a bug: logged (without request
 * headers, so no token reaches a log) and answered with a generic 500 that leaks nothing.
 */
export function onError(err: Error, c: Context): Response {
  if (err instanceof ScimError) return renderScimError(err);
  console.error(JSON.stringify({ msg: "unhandled error", path: new URL(c.req.url).pathname, error: String(err?.stack ?? err) }));
  return renderScimError(new ScimError(500, "The service could not complete the request."));
}

/** Registered after a path's real methods: any other method on a known path is 405, not 404. */
export function methodNotAllowed(allowed: string): () => Response {
  return () => {
    const res = renderScimError(new ScimError(405, `Method not allowed here; allowed: ${allowed}.`));
    res.headers.set("Allow", allowed);
    return res;
  };
}
