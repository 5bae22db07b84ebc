import { Where } from "../db/where";
import type { SqlPage } from "../scim/page";
import type { UserSource } from "./row";

/** Columns an admin may sort the user list by (P4). */
export const USER_SORT_COLUMNS = {
  userName: "u.user_name",
  displayName: "u.display_name",
  created: "u.created",
  lastModified: "u.last_modified",
} as const;

export interface UserSearch {
  /** Part of the userName, an email or the display name. */
  q?: string;
  userName?: string;
  email?: string;
  source?: UserSource;
  status?: "active" | "suspended";
  sort: keyof typeof USER_SORT_COLUMNS;
  order: "asc" | "desc";
  limit: number;
  offset: number;
}

const contains = (column: string, placeholder: string) => `instr(lower(${column}), lower(${placeholder})) > 0`;
const emailContains = (placeholder: string) =>
  `u.id IN (SELECT user_id FROM user_emails WHERE ${contains("value", placeholder)})`;

/** The admin's user search as a page for `listUsersStatement` (the SCIM list's own query). */
export function userSearchPage(s: UserSearch): SqlPage {
  const where = new Where()
    .and(s.q, (p) => {
      const v = p(s.q);
      return `${contains("u.user_name", v)} OR ${contains("coalesce(u.display_name, '')", v)} OR ${emailContains(v)}`;
    })
    .and(s.userName, (p) => contains("u.user_name", p(s.userName)))
    .and(s.email, (p) => emailContains(p(s.email)))
    .and(s.source, (p) => `u.source = ${p(s.source)}`)
    .and(s.status, (p) => `u.active = ${p(s.status === "active" ? 1 : 0)}`);
  const dir = s.order === "desc" ? "DESC" : "ASC";
  return {
    where: { sql: where.sql, params: where.params },
    orderBy: `${USER_SORT_COLUMNS[s.sort]} ${dir}, u.id ${dir}`,
    limit: s.limit,
    offset: s.offset,
  };
}
