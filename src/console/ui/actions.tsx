import type { FC, PropsWithChildren } from "hono/jsx";
import { Csrf, type Ui } from "./layout";

/**
 * A list row's one action (delete, revoke, remove): a small POST button carrying the session's
 * CSRF token. `asks` marks an action whose next page asks before anything changes (`Revoke…`).
 */
export const RowAction: FC<{ ui: Ui; action: string; verb: string; name: string; asks?: boolean }> = ({
  ui,
  action,
  verb,
  name,
  asks,
}) => (
  <form method="post" action={action} class="inline">
    <Csrf ui={ui} />
    <button type="submit" class="secondary small" aria-label={`${verb} ${name}${asks ? "…" : ""}`}>
      {verb}
      {asks ? "…" : ""}
    </button>
  </form>
);

/** Step 1 of an action that cannot be undone: what it does (the children), the button that does it, the way back. */
export const ConfirmForm: FC<PropsWithChildren<{ ui: Ui; action: string; confirm: string; cancel: string }>> = ({
  ui,
  action,
  confirm,
  cancel,
  children,
}) => (
  <form method="post" action={action} class="card narrow stack">
    <Csrf ui={ui} />
    {children}
    <div class="actions">
      <button type="submit" name="confirm" value="yes" class="danger">
        {confirm}
      </button>
      <a href={cancel}>Cancel</a>
    </div>
  </form>
);
