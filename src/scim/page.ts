import type { ListQuery } from "./list";
import { parseFilter } from "./filter/parser";
import { type SqlTarget, compileFilter, compileSortBy } from "./filter/sql";

/** A list request turned into SQL pieces: WHERE (parameters bound), ORDER BY, OFFSET and LIMIT. */
export interface SqlPage {
  where: { sql: string; params: unknown[] };
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
