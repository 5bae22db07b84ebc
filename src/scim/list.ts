import { badRequest } from "./errors";

export const LIST_RESPONSE_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:ListResponse";
/** Page size when the client gives none, and the most we return in one page (ServiceProviderConfig filter.maxResults). */
export const DEFAULT_PAGE_SIZE = 100;
export const MAX_PAGE_SIZE = 1000;

export interface ListQuery {
  filter?: string;
  startIndex: number;
  count: number;
  sortBy?: string;
  sortOrder: "ascending" | "descending";
  attributes?: string;
  excludedAttributes?: string;
  /** RFC 9865: present (empty for the first page) when the client pages by cursor. */
  cursor?: string;
}

type Raw = Record<string, unknown>;

/**
 * RFC 7644 section 3.4.2.4: startIndex below 1 is taken as 1 and a negative count as 0;
 * a value that is not an integer is a client error. Parameter names are case-insensitive
 * here because some clients send `StartIndex`.
 */
export function parseListQuery(raw: Raw): ListQuery {
  const get = (name: string): unknown => {
    const key = Object.keys(raw).find((k) => k.toLowerCase() === name.toLowerCase());
    return key === undefined ? undefined : raw[key];
  };
  const text = (name: string): string | undefined => {
    const v = get(name);
    if (v === undefined || v === null || v === "") return undefined;
    if (Array.isArray(v)) return v.map(String).join(",");
    if (typeof v !== "string") throw badRequest("invalidValue", `"${name}" must be a string.`);
    return v;
  };
  const int = (name: string): number | undefined => {
    const v = get(name);
    if (v === undefined || v === null || v === "") return undefined;
    const n = typeof v === "number" ? v : /^-?\d+$/.test(String(v).trim()) ? Number(v) : NaN;
    if (!Number.isSafeInteger(n)) throw badRequest("invalidValue", `"${name}" must be an integer.`);
    return n;
  };
  const cursor = get("cursor");
  if (cursor !== undefined && cursor !== null) return cursorQuery(raw, cursor, text, int);
  const order = text("sortOrder")?.toLowerCase();
  if (order !== undefined && order !== "ascending" && order !== "descending") {
    throw badRequest("invalidValue", `"sortOrder" must be "ascending" or "descending".`);
  }
  return {
    filter: text("filter"),
    startIndex: Math.max(1, int("startIndex") ?? 1),
    count: Math.min(MAX_PAGE_SIZE, Math.max(0, int("count") ?? DEFAULT_PAGE_SIZE)),
    sortBy: text("sortBy"),
    sortOrder: order === "descending" ? "descending" : "ascending",
    attributes: text("attributes"),
    excludedAttributes: text("excludedAttributes"),
  };
}

/**
 * RFC 9865 section 2: a cursor page. `count` must be an integer up to the maximum page size
 * (invalidCount; a negative one counts as 0), and startIndex has no meaning with a cursor.
 */
function cursorQuery(
  raw: Raw,
  cursor: unknown,
  text: (name: string) => string | undefined,
  int: (name: string) => number | undefined,
): ListQuery {
  if (typeof cursor !== "string") throw badRequest("invalidCursor", `"cursor" must be a string.`);
  let count: number | undefined;
  try {
    count = int("count");
  } catch {
    throw badRequest("invalidCount", `"count" must be an integer from 0 to ${MAX_PAGE_SIZE}.`);
  }
  if (count !== undefined && count > MAX_PAGE_SIZE) {
    throw badRequest("invalidCount", `"count" must be an integer from 0 to ${MAX_PAGE_SIZE}; it was ${count}.`);
  }
  if (int("startIndex") !== undefined) {
    throw badRequest("invalidValue", `"startIndex" and "cursor" cannot be used together: page by index or by cursor.`);
  }
  const {
    cursor: _c,
    count: _n,
    ...rest
  } = Object.fromEntries(Object.entries(raw).map(([k, v]) => [lowerParam(k), v]));
  return { ...parseListQuery(rest), count: Math.max(0, count ?? DEFAULT_PAGE_SIZE), cursor };
}

const lowerParam = (k: string) => (["cursor", "count"].includes(k.toLowerCase()) ? k.toLowerCase() : k);

export function listResponse(resources: unknown[], totalResults: number, startIndex: number) {
  return {
    schemas: [LIST_RESPONSE_SCHEMA],
    totalResults,
    itemsPerPage: resources.length,
    startIndex,
    Resources: resources,
  };
}

export const SEARCH_REQUEST_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:SearchRequest";

/**
 * RFC 7644 §3.4.3: a `POST .search` body is a SearchRequest. Its `schemas`, when sent, must name
 * that message and nothing else (`["urn:evil"]` is 400); a body without `schemas` is read all
 * the same, as resource bodies without one are.
 */
export function parseSearchRequest(body: Raw): ListQuery {
  const key = Object.keys(body).find((k) => k.toLowerCase() === "schemas");
  if (key !== undefined) {
    const schemas = body[key];
    const ok =
      Array.isArray(schemas) &&
      schemas.length > 0 &&
      schemas.every((s) => typeof s === "string" && s.toLowerCase() === SEARCH_REQUEST_SCHEMA.toLowerCase());
    if (!ok)
      throw badRequest(
        "invalidSyntax",
        `A search request's "schemas" must be ["${SEARCH_REQUEST_SCHEMA}"]; got ${JSON.stringify(schemas)?.slice(0, 200)}.`,
      );
  }
  const { [key ?? "schemas"]: _schemas, ...rest } = body;
  return parseListQuery(rest);
}
