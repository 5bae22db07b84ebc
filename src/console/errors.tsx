import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import { ScimError } from "../scim/errors";
import { render } from "./context";
import { Layout, Notice, type Ui } from "./ui";

export const signInRedirect = (ui: Ui) =>
  new Response(null, { status: 303, headers: { Location: `${ui.base}/sign-in`, "Cache-Control": "no-store" } });

/** Errors as pages: a lost session goes back to sign-in; nothing internal is ever shown. */
export function onConsoleError(err: Error, c: Context): Response | Promise<Response> {
  const ui = c.get("ui") as Ui;
  let status = 500;
  let message = "The console could not complete the request. Try again; if it keeps failing, check the Worker's logs.";
  if (err instanceof ScimError || (err instanceof HTTPException && err.status < 500)) {
    status = err.status;
    message =
      err instanceof ScimError
        ? err.detail
        : err.status === 403
          ? "This request came from another site and was refused."
          : err.message;
  } else {
    console.error(
      JSON.stringify({
        msg: "unhandled console error",
        path: new URL(c.req.url).pathname,
        error: String(err?.stack ?? err),
      }),
    );
  }
  if (status === 401 && ui) return signInRedirect(ui);
  const title =
    status === 404
      ? "Not found"
      : status === 403
        ? "Refused"
        : status >= 500
          ? "Something went wrong"
          : "Request refused";
  const signedIn = !!c.get("t");
  return render(
    c,
    <Layout ui={ui} title={title} signedIn={signedIn}>
      <Notice kind="error">{message}</Notice>
      <p>
        <a href={signedIn ? `${ui.base}/` : `${ui.base}/sign-in`}>{signedIn ? "Back to the overview" : "Sign in"}</a>
      </p>
    </Layout>,
    status,
  );
}
