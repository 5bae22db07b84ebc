import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import { ScimError } from "../scim/errors";

/**
 * The admin API speaks plain JSON, not SCIM: `{ "error": { "status", "message" } }`. It reuses
 * ScimError as its one error type and renders it differently.
 */
export function adminErrorResponse(err: ScimError): Response {
  const headers: Record<string, string> = err.status === 401 ? { "WWW-Authenticate": 'Bearer realm="admin"' } : {};
  return Response.json({ error: { status: err.status, message: err.detail } }, { status: err.status, headers });
}

export function onAdminError(err: Error, c: Context): Response {
  if (err instanceof ScimError) return adminErrorResponse(err);
  // Hono's own validators throw these (e.g. malformed JSON): a client error, not a bug.
  if (err instanceof HTTPException && err.status < 500) return adminErrorResponse(new ScimError(err.status, err.message));
  console.error(JSON.stringify({ msg: "unhandled admin error", path: new URL(c.req.url).pathname, error: String(err?.stack ?? err) }));
  return adminErrorResponse(new ScimError(500, "The service could not complete the request."));
}

export const adminError = (status: number, message: string) => new ScimError(status, message);
