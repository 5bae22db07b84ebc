import type { Context } from "hono";
import { ScimError, badRequest } from "../scim/errors";
import { loneSurrogateAt, mayHoldLoneSurrogate } from "../scim/well-formed";
import { cappedBody } from "./respond";

/** Shared by the SCIM and the admin API bodies; each throws its own error type. */
export function refuseLoneSurrogates(text: string, value: unknown, error: (detail: string) => Error): void {
  if (!mayHoldLoneSurrogate(text)) return;
  const at = loneSurrogateAt(value);
  if (at) {
    throw error(
      `${at} holds a lone UTF-16 surrogate escape (such as \\ud800 without its pair): that is not text, and nothing was stored.`,
    );
  }
}

const ACCEPTED_TYPES = ["application/scim+json", "application/json"];

/**
 * Reads a JSON request body, cut at the body limit (`cappedBody`, Hono's body limit, run here
 * rather than as a middleware: callers read bodies only after the token is good).
 * Entra sends application/scim+json, many other clients application/json; both are accepted
 * (RFC 7644 section 3.8 allows either). A missing Content-Type is tolerated because some
 * clients omit it on JSON bodies.
 */
export function readJsonBody(c: Context): Promise<unknown> {
  // A one-trip request whose guard failed runs its handler again (TenantGate.run); the
  // body can be read from its stream once, so the first reading (or its refusal) is kept.
  let read = bodies.get(c);
  if (!read) bodies.set(c, (read = parseJsonBody(c)));
  return read;
}

const bodies = new WeakMap<Context, Promise<unknown>>();

async function parseJsonBody(c: Context): Promise<unknown> {
  const type = c.req.header("Content-Type")?.split(";")[0].trim().toLowerCase();
  if (type && !ACCEPTED_TYPES.includes(type)) {
    throw new ScimError(
      415,
      `Unsupported Content-Type "${type.slice(0, 100)}"; send application/scim+json or application/json.`,
      "invalidSyntax",
    );
  }
  await cappedBody()(c, async () => {});
  const buf = await c.req.arrayBuffer();
  if (buf.byteLength === 0) throw badRequest("invalidSyntax", "The request body is empty; a JSON object is required.");
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(buf);
  } catch {
    throw badRequest("invalidSyntax", "The request body is not valid UTF-8.");
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw badRequest("invalidSyntax", `The request body is not valid JSON: ${(e as Error).message.slice(0, 200)}`);
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw badRequest("invalidSyntax", "The request body must be a JSON object.");
  }
  refuseLoneSurrogates(text, value, (detail) => badRequest("invalidValue", detail));
  return value;
}
