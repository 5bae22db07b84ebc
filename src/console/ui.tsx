import type { Child, FC, PropsWithChildren } from "hono/jsx";
import { type GroupSource, type UserSource, USER_SOURCES } from "../db/enums";
import type { AssetPath } from "./assets";

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

/** A labelled control with its hint and, after a refused submit, its error right beside it. */
export const Field: FC<PropsWithChildren<{ id: string; label: string; hint?: Child; error?: string }>> = ({
  id,
  label,
  hint,
  error,
  children,
}) => (
  <div class={`field${error ? " invalid" : ""}`}>
    <label for={id}>{label}</label>
    {children}
    {hint && (
      <p class="hint" id={`${id}-hint`}>
        {hint}
      </p>
    )}
    {error && (
      <p class="error" id={`${id}-error`} role="alert">
        {error}
      </p>
    )}
  </div>
);

/** aria-describedby for a control of a Field. */
export const describedBy = (id: string, hint: boolean, error?: string) =>
  [hint ? `${id}-hint` : "", error ? `${id}-error` : ""].filter(Boolean).join(" ") || undefined;

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

export const Pager: FC<{ label: string; prev?: string | null; next?: string | null; info?: string }> = ({
  label,
  prev,
  next,
  info,
}) => (
  <nav class="pager" aria-label={label}>
    {prev ? (
      <a href={prev} rel="prev">
        ← Previous
      </a>
    ) : (
      <span class="muted" aria-hidden="true">
        ← Previous
      </span>
    )}
    {info && <span class="pager-info">{info}</span>}
    {next ? (
      <a href={next} rel="next">
        Next →
      </a>
    ) : (
      <span class="muted" aria-hidden="true">
        Next →
      </span>
    )}
  </nav>
);

/** `base?query` with the empty values left out. */
export function href(base: string, query: Record<string, string | number | undefined | null>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== null && v !== "") q.set(k, String(v));
  const s = q.toString();
  return s ? `${base}?${s}` : base;
}

/** A labelled select; `options` are [value, label] pairs, the one equal to `value` selected. */
export const Choice: FC<{
  id: string;
  label: string;
  value: string | undefined;
  options: readonly (readonly [string, string])[];
  hint?: string;
  error?: string;
}> = ({ id, label, value, options, hint, error }) => (
  <Field id={id} label={label} hint={hint} error={error}>
    <select
      id={id}
      name={id}
      aria-describedby={describedBy(id, !!hint, error)}
      aria-invalid={error ? "true" : undefined}
    >
      {options.map(([v, l]) => (
        <option value={v} selected={(value ?? "") === v}>
          {l}
        </option>
      ))}
    </select>
  </Field>
);

/** The cells every user row shows: name (linked) with display name, source and status badges. */
export const UserCells: FC<{
  ui: Ui;
  user: { id: string; userName: string; displayName: string | null; source: string; status: string };
  email?: Child;
}> = ({ ui, user, email }) => (
  <>
    <td class="cell-main">
      <a href={`${ui.base}/users/${user.id}`}>{user.userName}</a>
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

/** A filter's options: "any" first, then each value of a closed list, labelled (default: as is). */
export const anyOf = (any: string, values: readonly string[], label: (v: string) => string = (v) => v) => [
  ["", any] as const,
  ...values.map((v) => [v, label(v)] as const),
];

export const SOURCE_OPTIONS = anyOf("Any source", USER_SOURCES, sourceLabel);
