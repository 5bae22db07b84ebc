import type { FC, PropsWithChildren } from "hono/jsx";
import type { AssetPath } from "../../console/assets";
import type { FleetRole } from "../operator";

/** What every fleet page knows: the console's assets, the cell, the signed-in role and its CSRF token. */
export interface FleetUi {
  cell: string;
  assets: Record<AssetPath, string>;
  role: FleetRole | null;
  csrf: string;
}

export const FLEET_BASE = "/fleet";

/** The fleet view's frame: the console's stylesheet and icon (same CSP: no inline script or style). */
export const FleetLayout: FC<PropsWithChildren<{ ui: FleetUi; title: string }>> = ({ ui, title, children }) => (
  <html lang="en">
    <head>
      <meta charset="utf-8" />
      <meta name="viewport" content="width=device-width, initial-scale=1" />
      <title>{`${title} · ${ui.cell || "cell"} · Fleet`}</title>
      <link rel="icon" href={ui.assets["/console/icon.svg"]} type="image/svg+xml" />
      <link rel="stylesheet" href={ui.assets["/console/app.css"]} />
    </head>
    <body>
      <a class="skip" href="#main">
        Skip to content
      </a>
      <header class="top">
        <div class="brand">
          <img src={ui.assets["/console/icon.svg"]} alt="" width="28" height="28" />
          <span>
            Fleet <span class="tenant">{ui.cell || "cell"}</span>
          </span>
        </div>
        {ui.role && (
          <nav aria-label="Fleet">
            <ul>
              <li>
                <a href={`${FLEET_BASE}/`}>Tenants</a>
              </li>
            </ul>
          </nav>
        )}
        {ui.role && (
          <form method="post" action={`${FLEET_BASE}/sign-out`} class="signout">
            <input type="hidden" name="_csrf" value={ui.csrf} />
            <span>{ui.role === "operator" ? "Operator" : "Support (read only)"}</span>{" "}
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
