import { Hono } from "hono";
import { setCookie } from "hono/cookie";
import { findSetupLink } from "../../signin/links";
import { startFlow } from "../../signin/flow";
import { tenantDatabase } from "../../tenants/resolve";
import { SIGN_IN_FAILED, signIn, signOut } from "../auth";
import { type ConsoleBindings, type ConsoleContext, formOf, render } from "../context";
import { Field, Layout, Notice, type Ui } from "../ui";
import { SIGN_IN_REFUSALS, callbackUrl, FLOW_COOKIE, FLOW_COOKIE_SECONDS } from "./sign-in-messages";
import { MicrosoftButton } from "./microsoft-button";
import { SetupPage, linkRefusal } from "./setup";

export const signInPages = new Hono<ConsoleBindings>();

const SignInPage = ({ ui, error }: { ui: Ui; error?: string }) => (
  <Layout ui={ui} title="Sign in" signedIn={false}>
    <div class="card narrow stack">
      {error && <Notice kind="error">{error}</Notice>}
      <p>Sign in with the work account you administer this tenant with.</p>
      <div class="signin-options">
        <MicrosoftButton ui={ui} />
      </div>
    </div>
    <div class="card narrow">
      <h2>Sign in with an admin API key</h2>
      <p>
        For local work and automation. The key is checked once and never shown or stored by the browser; you stay signed
        in for 8 hours.
      </p>
      <form method="post" action={`${ui.base}/sign-in`} class="stack">
        <Field
          id="token"
          label="Admin token"
          hint="Starts with adm_. Printed by npm run tenant -- add, or by npm start for the demo tenant."
        >
          <input
            id="token"
            name="token"
            type="password"
            required
            autocomplete="off"
            spellcheck={false}
            aria-describedby="token-hint"
          />
        </Field>
        <button type="submit">Sign in</button>
      </form>
    </div>
  </Layout>
);

signInPages.get("/sign-in", (c) => {
  const failed = c.req.query("failed") ?? "";
  const error = Object.hasOwn(SIGN_IN_REFUSALS, failed)
    ? SIGN_IN_REFUSALS[failed as keyof typeof SIGN_IN_REFUSALS]
    : undefined;
  return render(c, <SignInPage ui={c.var.ui} error={error} />, error ? 400 : 200);
});

signInPages.post("/sign-in", async (c) => {
  const result = await signIn(c as never, c.var.ui.slug, (await formOf(c)).token ?? "");
  if (result.ok) return c.redirect(`${c.var.ui.base}/`, 303);
  if (result.retryAfter) c.header("Retry-After", String(result.retryAfter));
  return render(c, <SignInPage ui={c.var.ui} error={result.message ?? SIGN_IN_FAILED} />, result.status);
});

/** A setup link's page: who it makes an admin, and the sign-in that redeems it. */
signInPages.get("/setup", async (c) => {
  const db = tenantDatabase(c.env, c.var.ui.slug);
  const secret = c.req.query("link");
  const found = db ? await findSetupLink(db, secret) : ({ ok: false, problem: "unknown" } as const);
  if (!found.ok) return linkRefusal(c, db, found.problem);
  return render(c, <SetupPage ui={c.var.ui} role={found.link.role} email={found.link.email} link={secret ?? ""} />);
});

/** Starts the redirect to the provider; the flow's state is kept server-side (signin/flow.ts). */
signInPages.post("/sign-in/start", async (c) => {
  const form = await formOf(c);
  const slug = c.var.ui.slug;
  const db = tenantDatabase(c.env, slug);
  let link: { id: string; email: string | null } | undefined;
  if (form.link) {
    const found = db ? await findSetupLink(db, form.link) : ({ ok: false, problem: "unknown" } as const);
    if (!found.ok) return linkRefusal(c, db, found.problem);
    link = found.link;
  }
  const started = db ? await startFlow(c.env, slug, db, form.provider ?? "", callbackUrl(c), link) : null;
  if (!started) return render(c, <SignInPage ui={c.var.ui} error={SIGN_IN_REFUSALS.unavailable} />, 503);
  // Lax, not Strict: the provider's redirect back is a cross-site navigation, and it must carry this cookie.
  setCookie(c, FLOW_COOKIE, started.browser, {
    path: "/",
    secure: true,
    httpOnly: true,
    sameSite: "Lax",
    maxAge: FLOW_COOKIE_SECONDS,
  });
  return c.redirect(started.url, 303);
});

signInPages.post("/sign-out", async (c) => {
  await signOut(c as never, c.var.ui.slug);
  return c.redirect(`${c.var.ui.base}/sign-in`, 303);
});

export type { ConsoleContext };
