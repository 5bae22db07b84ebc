import type { Child, FC } from "hono/jsx";
import { type GroupSource, type UserSource, USER_SOURCES } from "../../db/enums";
import { anyOf } from "./fields";
import type { Ui } from "./layout";
import { userHref } from "./links";

/* How users and groups look in every list: their source and status badges, a user's row cells. */

const SOURCE_LABELS: Record<UserSource | GroupSource, string> = {
  scim: "SCIM · Entra ID",
  local: "Local",
  ldap: "LDAP",
  "entra-user-source": "Entra ID user source",
  builtin: "Built-in",
};
export const sourceLabel = (s: string) => SOURCE_LABELS[s as UserSource] ?? s;

export const SourceBadge: FC<{ source: string }> = ({ source }) => (
  <span class={`badge src-${source}`}>{sourceLabel(source)}</span>
);

export const StatusBadge: FC<{ status: string }> = ({ status }) => (
  <span class={`badge st-${status}`}>
    {status === "active" ? "Active" : status === "suspended" ? "Suspended" : status === "deleted" ? "Deleted" : status}
  </span>
);

/** The cells every user row shows: name (linked) with display name, source and status badges. */
export const UserCells: FC<{
  ui: Ui;
  user: { id: string; userName: string; displayName: string | null; source: string; status: string };
  email?: Child;
}> = ({ ui, user, email }) => (
  <>
    <td class="cell-main">
      <a href={userHref(ui, user.id)}>{user.userName}</a>
      {user.displayName && <span class="sub">{user.displayName}</span>}
    </td>
    {email}
    <td class="cell-badge">
      <SourceBadge source={user.source} />
    </td>
    <td class="cell-badge">
      <StatusBadge status={user.status} />
    </td>
  </>
);

export const SOURCE_OPTIONS = anyOf("Any source", USER_SOURCES, sourceLabel);
