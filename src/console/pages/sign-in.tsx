import { Hono } from "hono";
import { setCookie } from "hono/cookie";
import { findSetupLink } from "../../signin/links";
import { startFlow } from "../../signin/flow";
import { tenantDatabase } from "../../tenants/resolve";
import { SIGN_IN_FAILED, signIn, signOut } from "../auth";
import { type ConsoleBindings, type ConsoleContext, formOf, render } from "../context";
import { Field, Layout, Notice, type Ui } from "../ui";
import { SIGN_IN_REFUSALS, callbackUrl, FLOW_COOKIE, FLOW_COOKIE_SECONDS } from "./sign-in-messages";
import { MicrosoftButton, type ProviderChoice, ProviderButtons, providerChoices } from "./microsoft-button";
import { SetupPage, linkRefusal } from "./setup";

export const signInPages = new Hono<ConsoleBindings>();

const SignInPage = ({ ui, error, providers = [] }: { ui: Ui; error?: string; providers?: ProviderChoice[] }) => (
  <Layout ui={ui} title="Sign in" signedIn={false}>
    <div class="card narrow stack">
      {error && <Notice kind="error">{error}</Notice>}
      <p>Sign in with the work account you administer this tenant with.</p>
      <div class="signin-options">
        <MicrosoftButton ui={ui} />
        <ProviderButtons ui={ui} providers={providers} />
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

signInPages.get("/sign-in", async (c) => {
  const failed = c.req.query("failed") ?? "";
  const error = Object.hasOwn(SIGN_IN_REFUSALS, failed)
    ? SIGN_IN_REFUSALS[failed as keyof typeof SIGN_IN_REFUSALS]
    : undefined;
  const providers = await providerChoices(tenantDatabase(c.env, c.var.ui.slug));
  return render(c, <SignInPage ui={c.var.ui} error={error} providers={providers} />, error ? 400 : 200);
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
  const providers = await providerChoices(db);
  return render(
    c,
    <SetupPage
      ui={c.var.ui}
      role={found.link.role}
      email={found.link.email}
      link={secret ?? ""}
      providers={providers}
    />,
  );
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
  // A page that moves on, not a 303: the console's CSP allows forms to post only to itself
  // (form-action 'self'), which browsers apply to a form's redirect too.
  return render(
    c,
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta http-equiv="refresh" content={`0;url=${started.url}`} />
        <title>Signing in</title>
      </head>
      <body>
        <main>
          <p>
            <a href={started.url}>Continue to sign in</a>
          </p>
        </main>
      </body>
    </html>,
  );
});

signInPages.post("/sign-out", async (c) => {
  await signOut(c as never, c.var.ui.slug);
  return c.redirect(`${c.var.ui.base}/sign-in`, 303);
});

export type { ConsoleContext };
