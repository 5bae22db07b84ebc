import { type CursorScope, openCursor, queryFingerprint, signCursor } from "./cursor";
import type { KeysetColumn, SqlTarget } from "./filter/sql-target";
import { LIST_RESPONSE_SCHEMA, type ListQuery } from "./list";
import { type SqlPage, cursorPage, keysetColumn } from "./page";

export interface CursorListing<R> {
  q: ListQuery;
  target: SqlTarget;
  keyset: Record<string, KeysetColumn>;
  scope: Omit<CursorScope, "query">;
  /** The tenant's signing key, fetched only when a cursor is read or issued. */
  key: () => Promise<CryptoKey>;
  run: (page: SqlPage) => Promise<{ total: number; rows: R[] }>;
}

/**
 * One cursor page (RFC 9865 sections 2-3): the cursor is checked before any query runs, the
 * page holds at most `count` resources, and nextCursor is given on every page but the last.
 * previousCursor is not offered: a client that wants a page again keeps the cursor it used.
 */
export async function cursorListing<R extends { id: string }>(l: CursorListing<R>) {
  const col = keysetColumn(l.q, l.target, l.keyset);
  const scope = { ...l.scope, query: await queryFingerprint(l.q) };
  let key: Promise<CryptoKey> | undefined;
  const theKey = () => (key ??= l.key());
  const pos = l.q.cursor ? await openCursor(await theKey(), l.q.cursor, scope) : undefined;
  const { total, rows } = await l.run(cursorPage(l.q, l.target, col, pos));
  const page = rows.slice(0, l.q.count);
  const last = page.at(-1) as (R & Record<string, unknown>) | undefined;
  const nextCursor =
    rows.length > l.q.count && last
      ? await signCursor(await theKey(), scope, { key: last[col.field] as string | null, id: last.id })
      : undefined;
  return { total, rows: page, nextCursor };
}

/** RFC 9865 section 2.2: no startIndex; nextCursor when there is a next page. */
export function cursorListResponse(resources: unknown[], totalResults: number, nextCursor: string | undefined) {
  return {
    schemas: [LIST_RESPONSE_SCHEMA],
    totalResults,
    itemsPerPage: resources.length,
    ...(nextCursor ? { nextCursor } : {}),
    Resources: resources,
  };
}
