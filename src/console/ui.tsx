import type { Child, FC, PropsWithChildren } from "hono/jsx";
import { type GroupSource, type UserSource, USER_SOURCES } from "../db/enums";
import type { AssetPath } from "./assets";
import { anyOf } from "./ui/fields";
import { userHref } from "./ui/links";

/* The parts split out so far (ui/); re-exported here so pages keep importing from "../ui". */
export { Choice, DateTimeField, Field, anyOf, describedBy } from "./ui/fields";
export { FilterForm } from "./ui/filters";
export { CursorPager, Pager, href } from "./ui/pager";

/** What every page of one request knows: where the console lives and the session's CSRF token. */
export interface Ui {
  slug: string;
  /** `/t/<slug>/admin` */
  base: string;
  csrf: string;
  assets: Record<AssetPath, string>;
}

/** One navigation bar for every page (issue 9, pages 1-9). */
const NAV = [
  ["", "Overview"],
  ["/users", "Users"],
  ["/groups", "Groups"],
  ["/activity", "Activity"],
  ["/attributes", "Custom attributes"],
  ["/settings", "Settings"],
  ["/token", "Token"],
  ["/oauth", "OAuth clients"],
  ["/audit", "Audit log"],
  ["/mail", "Mail"],
  ["/events", "Events"],
] as const;

export const Layout: FC<PropsWithChildren<{ ui: Ui; title: string; active?: string; signedIn?: boolean }>> = ({
  ui,
  title,
  active,
  signedIn = true,
  children,
}) => (
  <html lang="en">
    <head>
      <meta charset="utf-8" />
      <meta name="viewport" content="width=device-width, initial-scale=1" />
      <title>{`${title} · ${ui.slug} · SCIM console`}</title>
      <link rel="icon" href={ui.assets["/console/icon.svg"]} type="image/svg+xml" />
      <link rel="stylesheet" href={ui.assets["/console/app.css"]} />
      <script src={ui.assets["/console/app.js"]} defer></script>
    </head>
    <body>
      <a class="skip" href="#main">
        Skip to content
      </a>
      <header class="top">
        <div class="brand">
          <img src={ui.assets["/console/icon.svg"]} alt="" width="28" height="28" />
          <span>
            SCIM console <span class="tenant">{ui.slug}</span>
          </span>
        </div>
        {signedIn && (
          <nav aria-label="Console">
            <ul>
              {NAV.map(([path, label]) => (
                <li>
                  <a href={`${ui.base}${path || "/"}`} aria-current={active === (path || "/") ? "page" : undefined}>
                    {label}
                  </a>
                </li>
              ))}
            </ul>
          </nav>
        )}
        {signedIn && (
          <form method="post" action={`${ui.base}/sign-out`} class="signout">
            <Csrf ui={ui} />
            <button type="submit" class="link">
              Sign out
            </button>
          </form>
        )}
      </header>
      <main id="main" tabindex={-1}>
        <h1>{title}</h1>
        {children}
      </main>
    </body>
  </html>
);

/** `1 user`, `2 users`, `1,000 users`: a count with its noun in the right number. */
export const counted = (n: number, one: string, many = `${one}s`) =>
  `${n.toLocaleString("en")} ${n === 1 ? one : many}`;

export const Csrf: FC<{ ui: Ui }> = ({ ui }) => <input type="hidden" name="_csrf" value={ui.csrf} />;

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
    {status === "active" ? "Active" : status === "suspended" ? "Suspended" : status}
  </span>
);

export const Time: FC<{ at: string | null | undefined }> = ({ at }) =>
  at ? (
    <time datetime={at}>
      {at
        .replace("T", " ")
        .replace(/\.\d+Z$/, " UTC")
        .replace(/Z$/, " UTC")}
    </time>
  ) : (
    <span class="muted">never</span>
  );

export const Notice: FC<PropsWithChildren<{ kind?: "ok" | "error" | "warn" | "info" }>> = ({
  kind = "info",
  children,
}) => (
  <div class={`notice ${kind}`} role={kind === "error" ? "alert" : "status"}>
    {children}
  </div>
);

export const Empty: FC<PropsWithChildren<{ title: string }>> = ({ title, children }) => (
  <div class="empty">
    <p class="empty-title">{title}</p>
    {children}
  </div>
);

/** A copy button for the value of an input (app.js); without script the value stays selectable. */
export const CopyField: FC<{ id: string; label: string; value: string; secret?: boolean }> = ({ id, label, value }) => (
  <div class="field copy">
    <label for={id}>{label}</label>
    <div class="copy-row">
      <input id={id} type="text" readonly value={value} spellcheck={false} autocomplete="off" />
      <button type="button" class="secondary" data-copy={id} hidden>
        Copy
      </button>
    </div>
  </div>
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
