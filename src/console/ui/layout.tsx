import type { FC, PropsWithChildren } from "hono/jsx";
import type { AssetPath } from "../assets";

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
  ["/connect", "Connect Entra ID"],
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

export const Csrf: FC<{ ui: Ui }> = ({ ui }) => <input type="hidden" name="_csrf" value={ui.csrf} />;
