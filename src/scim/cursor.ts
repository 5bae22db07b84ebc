import { base64url, base64urlDecode } from "../platform/base64url";
import { badRequest } from "./errors";

/**
 * RFC 9865 cursors: opaque to the client, bound to the tenant, the resource type and the query,
 * and tamper-evident. A cursor is `<payload>.<mac>`, both base64url: the payload holds the
 * position after the last resource of a page (its sort value and id: keyset pagination, so
 * there is no server state to look up), and the MAC is HMAC-SHA-256 with the tenant's own key
 * (tenants/cursor-key.ts). A client can read the position it was given but not change it.
 */

/** Seconds a cursor stays usable (ServiceProviderConfig pagination.cursorTimeout); see docs/scim-reference.md. */
export const CURSOR_TIMEOUT_SECONDS = 3600;
/** A cursor we issue is about 200 characters; anything much longer is not one of ours. */
const MAX_CURSOR_LENGTH = 2048;

/** What a cursor is valid for. `query` is queryFingerprint() of the page's parameters. */
export interface CursorScope {
  tenant: string;
  resource: "User" | "Group";
  query: string;
}

/** The sort value and id of the last resource of a page: the next page starts after it. */
export interface CursorPosition {
  key: string | number | null;
  id: string;
}

interface Payload {
  t: string;
  r: string;
  q: string;
  k: string | number | null;
  i: string;
  /** Expiry, seconds since the epoch. */
  x: number;
}

const encoder = new TextEncoder();

const fromB64url = (text: string) => base64urlDecode(text) ?? undefined;

export const importCursorKey = (raw: Uint8Array) =>
  crypto.subtle.importKey("raw", raw, { name: "HMAC", hash: "SHA-256" }, false, ["sign", "verify"]);

/** The parameters every page of one walk must repeat (RFC 9865 section 2: count may change). */
export async function queryFingerprint(q: {
  filter?: string;
  sortBy?: string;
  sortOrder: string;
  attributes?: string;
  excludedAttributes?: string;
}): Promise<string> {
  const text = JSON.stringify([
    q.filter ?? null,
    q.sortBy ?? null,
    q.sortOrder,
    q.attributes ?? null,
    q.excludedAttributes ?? null,
  ]);
  return base64url(new Uint8Array(await crypto.subtle.digest("SHA-256", encoder.encode(text))).slice(0, 16));
}

export async function signCursor(
  key: CryptoKey,
  scope: CursorScope,
  pos: CursorPosition,
  nowMs = Date.now(),
): Promise<string> {
  const payload: Payload = {
    t: scope.tenant,
    r: scope.resource,
    q: scope.query,
    k: pos.key,
    i: pos.id,
    x: Math.floor(nowMs / 1000) + CURSOR_TIMEOUT_SECONDS,
  };
  const body = base64url(encoder.encode(JSON.stringify(payload)));
  const mac = new Uint8Array(await crypto.subtle.sign("HMAC", key, encoder.encode(body)));
  return `${body}.${base64url(mac)}`;
}

const invalid = (why: string) =>
  badRequest(
    "invalidCursor",
    `${why} Send an empty cursor for the first page, then each page's nextCursor, with the same filter, sortBy, ` +
      "sortOrder, attributes and excludedAttributes.",
  );

/** The position a cursor holds, or invalidCursor / expiredCursor (RFC 9865 section 2.4). */
export async function openCursor(
  key: CryptoKey,
  text: string,
  scope: CursorScope,
  nowMs = Date.now(),
): Promise<CursorPosition> {
  const [body, mac, ...rest] = text.length <= MAX_CURSOR_LENGTH ? text.split(".") : [];
  const macBytes = mac === undefined ? undefined : fromB64url(mac);
  // crypto.subtle.verify compares in constant time.
  if (
    body === undefined ||
    !macBytes ||
    rest.length > 0 ||
    !(await crypto.subtle.verify("HMAC", key, macBytes, encoder.encode(body)))
  ) {
    throw invalid("The cursor is not one this service issued for this tenant.");
  }
  const p = JSON.parse(new TextDecoder().decode(fromB64url(body))) as Payload;
  if (p.t !== scope.tenant || p.r !== scope.resource)
    throw invalid(`The cursor belongs to another tenant or resource type.`);
  if (p.q !== scope.query) throw invalid("The cursor was issued for a different query.");
  if (p.x * 1000 < nowMs) {
    throw badRequest(
      "expiredCursor",
      `The cursor has expired: cursors live ${CURSOR_TIMEOUT_SECONDS} seconds. Start again with an empty cursor.`,
    );
  }
  return { key: p.k, id: p.i };
}
