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

/**
 * One navigation for every page: the daily pages on the top row, the set-up pages (visited once
 * in a while) in the "Setup" menu, so the bar stays one row at 1280 px however many pages come.
 * An entry without a group goes into Setup.
 */
export const NAV: readonly (readonly [path: string, label: string, group?: "daily"])[] = [
  ["", "Overview", "daily"],
  ["/users", "Users", "daily"],
  ["/groups", "Groups", "daily"],
  ["/activity", "Activity", "daily"],
  ["/events", "Events", "daily"],
  ["/audit", "Audit log", "daily"],
  ["/mail", "Mail", "daily"],
  ["/connect", "Connect Entra ID"],
  ["/roles", "Roles"],
  ["/token", "Token"],
  ["/oauth", "OAuth clients"],
  ["/admins", "Admins"],
  ["/keys", "API keys"],
  ["/attributes", "Custom attributes"],
  ["/settings", "Settings"],
];

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
        {signedIn && <Navigation ui={ui} active={active} />}
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

const NavLinks: FC<{ ui: Ui; active?: string; entries: typeof NAV }> = ({ ui, active, entries }) => (
  <>
    {entries.map(([path, label]) => (
      <li>
        <a href={`${ui.base}${path || "/"}`} aria-current={active === (path || "/") ? "page" : undefined}>
          {label}
        </a>
      </li>
    ))}
  </>
);

/**
 * The Setup menu is a <details> disclosure: opens with Enter or Space, works without script
 * (app.js adds closing on Escape and on a click elsewhere). Its summary is marked when the
 * current page is inside it.
 */
const Navigation: FC<{ ui: Ui; active?: string }> = ({ ui, active }) => {
  const daily = NAV.filter((e) => e[2] === "daily");
  const setup = NAV.filter((e) => e[2] !== "daily");
  const inSetup = setup.some(([path]) => active === (path || "/"));
  return (
    <nav aria-label="Console">
      <ul class="nav-daily">
        <NavLinks ui={ui} active={active} entries={daily} />
        <li class="nav-menu">
          <details class="menu">
            <summary class={inSetup ? "current" : undefined}>Setup</summary>
            <ul>
              <NavLinks ui={ui} active={active} entries={setup} />
            </ul>
          </details>
        </li>
      </ul>
    </nav>
  );
};
