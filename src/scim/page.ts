import type { CursorPosition } from "./cursor";
import { badRequest } from "./errors";
import type { ListQuery } from "./list";
import { type CompiledFilter, type SqlTarget, compileFilter, compileSortBy } from "./filter/sql";
import type { KeysetColumn } from "./filter/sql-target";
import { parseAttrPath, parseFilter } from "./filter/parser";
import { resolveOrThrow } from "./resolve";

/** A list request turned into SQL pieces: WHERE (parameters bound), ORDER BY, OFFSET and LIMIT. */
export interface SqlPage {
  where: { sql: string; params: unknown[] };
  /** Cursor pages: the keyset condition, for the page's rows only (the count is of the whole query). */
  after?: CompiledFilter;
  orderBy: string;
  offset: number;
  limit: number;
}

/**
 * Without sortBy the order is creation order with the id as tie-breaker, so that paging with
 * startIndex is stable between requests (RFC 7644 3.4.2.4 leaves the order to us).
 */
export function sqlPage(q: ListQuery, target: SqlTarget, createdColumn: string): SqlPage {
  const where = q.filter ? compileFilter(parseFilter(q.filter), target) : { sql: "1", params: [] };
  const dir = q.sortOrder === "descending" ? "DESC" : "ASC";
  const orderBy = q.sortBy
    ? `${compileSortBy(q.sortBy, target)} ${dir}, ${target.idColumn} ${dir}`
    : `${createdColumn} ${dir}, ${target.idColumn} ${dir}`;
  return { where, orderBy, offset: q.startIndex - 1, limit: q.count };
}

/** The keyset column of a cursor walk; cursor pages sort only by indexed columns. */
export function keysetColumn(q: ListQuery, target: SqlTarget, keyset: Record<string, KeysetColumn>): KeysetColumn {
  const key = q.sortBy
    ? resolveOrThrow(target.resource, parseAttrPath(q.sortBy, "invalidValue"), "invalidValue").key
    : "";
  const col = keyset[key];
  if (!col) {
    const names = Object.keys(keyset).filter(Boolean).join(", ");
    throw badRequest(
      "invalidValue",
      `Cursor pages can be sorted by ${names} or left in creation order, not by "${q.sortBy}".`,
    );
  }
  return col;
}

/**
 * A cursor page (RFC 9865): the rows after `pos` in (sort key, id) order, one more than asked to
 * know whether a next page exists. The condition is a row-value comparison, which SQLite serves
 * as a range on the sort key's index, so page 1,000 costs what page 1 costs. SQLite sorts NULL
 * first: a NULL key (displayName) is handled on its own.
 */
export function cursorPage(
  q: ListQuery,
  target: SqlTarget,
  col: KeysetColumn,
  pos: CursorPosition | undefined,
): SqlPage {
  const where = q.filter ? compileFilter(parseFilter(q.filter), target) : { sql: "1", params: [] };
  const desc = q.sortOrder === "descending";
  const dir = desc ? "DESC" : "ASC";
  const sortExpr = col.nocase ? `${col.column} COLLATE NOCASE` : col.column;
  const page: SqlPage = {
    where,
    orderBy: `${sortExpr} ${dir}, ${target.idColumn} ${dir}`,
    offset: 0,
    limit: q.count && q.count + 1,
  };
  if (!pos) return page;
  const k = where.params.length + 1;
  const [key, id] = [`?${k}`, `?${k + 1}`];
  const cmp = desc ? "<" : ">";
  const id_ = target.idColumn;
  let sql: string;
  if (pos.key === null) {
    // NULL keys come first ascending (then every non-NULL one), last descending. Ascending, this
    // is no single index range: the page reads the index past the NULL keys before the cursor.
    sql = desc
      ? `(${col.column} IS NULL AND ${id_} < ${id})`
      : `((${col.column} IS NULL AND ${id_} > ${id}) OR ${col.column} IS NOT NULL)`;
  } else {
    // The bare column (declared COLLATE NOCASE where the sort is): with a COLLATE on it SQLite
    // would scan the index from its start instead of seeking to the position.
    const rows = `(${col.column}, ${id_}) ${cmp} (${key}, ${id})`;
    sql = desc && col.nullable ? `(${rows} OR ${col.column} IS NULL)` : rows;
  }
  return { ...page, after: { sql, params: [pos.key, pos.id] } };
}
