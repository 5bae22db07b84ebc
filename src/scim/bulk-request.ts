import { ScimError, badRequest } from "./errors";
import { MAX_BODY_BYTES, quote } from "./limits";
import { isPlainObject } from "./normalize";

/** RFC 7644 section 3.7: the bulk messages' URNs. */
export const BULK_REQUEST_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:BulkRequest";
export const BULK_RESPONSE_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:BulkResponse";

/**
 * Declared under `bulk` in /ServiceProviderConfig. 1,000 operations is what one request of
 * Entra-sized users (~400 bytes each) carries well inside the body limit, and what one Worker
 * invocation computes in well under a second of CPU.
 */
export const BULK_MAX_OPERATIONS = 1000;
/** The body limit every request has (RFC 7644 3.7.4: beyond it, 413). */
export const BULK_MAX_PAYLOAD_BYTES = MAX_BODY_BYTES;

export type BulkMethod = "POST" | "PUT" | "PATCH" | "DELETE";
export type BulkResource = "Users" | "Groups";

/** One operation as the client sent it, checked for shape (not yet for content). */
export interface BulkOperation {
  /** Position in the request, from 0. */
  index: number;
  method: BulkMethod;
  bulkId?: string;
  /** RFC 7644 3.7: an ETag the resource must still have (the op's If-Match). */
  version?: string;
  resource: BulkResource;
  /** The resource's id, or `bulkId:<id>` when it is a resource created in the same request; absent for POST. */
  target?: string;
  data?: unknown;
  /** The path as sent, for the response and the audit. */
  path: string;
}

export interface BulkRequest {
  failOnErrors?: number;
  operations: BulkOperation[];
}

const METHODS = new Set<BulkMethod>(["POST", "PUT", "PATCH", "DELETE"]);
/** `/Users`, `/Groups/<id>` (the id may be `bulkId:<id>`); nothing else is a bulk path. */
const PATH = /^\/(Users|Groups)(?:\/([^/?#]+))?$/i;
/** A bulkId is the client's own surrogate id: short printable text without quotes or spaces. */
const BULK_ID = /^[A-Za-z0-9._~:@!$&'()*+,;=-]{1,200}$/;
export const BULK_REF_PREFIX = "bulkId:";

const field = (o: Record<string, unknown>, name: string) => {
  const key = Object.keys(o).find((k) => k.toLowerCase() === name.toLowerCase());
  return key === undefined ? undefined : o[key];
};

/**
 * RFC 7644 3.7: the request envelope, each operation's method, path, bulkId and data shape, and
 * the limits. Anything wrong here refuses the whole request before any operation runs (400
 * `invalidSyntax`; 413 `tooMany` beyond maxOperations), so nothing is written.
 */
export function parseBulkRequest(body: unknown): BulkRequest {
  if (!isPlainObject(body)) throw badRequest("invalidSyntax", "A BulkRequest must be a JSON object.");
  const schemas = field(body, "schemas");
  if (!Array.isArray(schemas) || !schemas.some((s) => typeof s === "string" && s === BULK_REQUEST_SCHEMA)) {
    throw badRequest("invalidSyntax", `A BulkRequest's "schemas" must list "${BULK_REQUEST_SCHEMA}".`);
  }
  const ops = field(body, "Operations");
  if (!Array.isArray(ops) || ops.length === 0) {
    throw badRequest("invalidSyntax", 'A BulkRequest needs a non-empty "Operations" array.');
  }
  if (ops.length > BULK_MAX_OPERATIONS) {
    throw new ScimError(
      413,
      `The request has ${ops.length} operations; at most ${BULK_MAX_OPERATIONS} are accepted in one BulkRequest (maxOperations).`,
      "tooMany",
    );
  }
  const failOnErrors = field(body, "failOnErrors");
  if (failOnErrors !== undefined && (!Number.isInteger(failOnErrors) || (failOnErrors as number) < 1)) {
    throw badRequest("invalidSyntax", '"failOnErrors" must be an integer of at least 1.');
  }
  const operations = ops.map((op, index) => parseOperation(op, index));
  const seen = new Set<string>();
  for (const op of operations) {
    if (op.bulkId === undefined) continue;
    if (seen.has(op.bulkId)) {
      throw badRequest("invalidSyntax", `Operation ${op.index}: bulkId "${quote(op.bulkId)}" is used twice.`);
    }
    seen.add(op.bulkId);
  }
  return { failOnErrors: failOnErrors as number | undefined, operations };
}

function parseOperation(op: unknown, index: number): BulkOperation {
  const fail = (detail: string) => badRequest("invalidSyntax", `Operation ${index}: ${detail}`);
  if (!isPlainObject(op)) throw fail("must be a JSON object.");
  const method = field(op, "method");
  const upper = typeof method === "string" ? method.toUpperCase() : "";
  if (!METHODS.has(upper as BulkMethod)) throw fail('"method" must be one of POST, PUT, PATCH, DELETE.');
  const path = field(op, "path");
  const m = typeof path === "string" ? PATH.exec(path) : null;
  if (!m) throw fail('"path" must be /Users or /Groups, with a resource id for PUT, PATCH and DELETE.');
  const resource = (m[1].toLowerCase() === "users" ? "Users" : "Groups") as BulkResource;
  const target = m[2] === undefined ? undefined : safeDecode(m[2]);
  if (upper === "POST" && target !== undefined) throw fail("a POST's path is the resource type (/Users or /Groups).");
  if (upper !== "POST" && target === undefined) throw fail(`a ${upper}'s path names one resource (/Users/<id>).`);
  const bulkId = field(op, "bulkId");
  if (bulkId !== undefined && (typeof bulkId !== "string" || !BULK_ID.test(bulkId))) {
    throw fail('"bulkId" must be a string of 1 to 200 printable characters without spaces or quotes.');
  }
  // RFC 7644 3.7: bulkId is REQUIRED for a POST, so the new resource can be named in the response.
  if (upper === "POST" && bulkId === undefined) throw fail('a POST needs a "bulkId".');
  const version = field(op, "version");
  if (version !== undefined && typeof version !== "string") throw fail('"version" must be an ETag string.');
  const data = field(op, "data");
  if (upper !== "DELETE" && !isPlainObject(data)) throw fail(`a ${upper} needs "data", a JSON object.`);
  return {
    index,
    method: upper as BulkMethod,
    ...(bulkId !== undefined ? { bulkId: bulkId as string } : {}),
    ...(version !== undefined ? { version: version as string } : {}),
    resource,
    ...(target !== undefined ? { target } : {}),
    ...(upper !== "DELETE" ? { data } : {}),
    path: path as string,
  };
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
