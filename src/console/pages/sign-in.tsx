import { Hono } from "hono";
import { SIGN_IN_FAILED, signIn, signOut } from "../auth";
import { type ConsoleBindings, formOf, render } from "../context";
import { Field, Layout, Notice, type Ui } from "../ui";

export const signInPages = new Hono<ConsoleBindings>();

const SignInPage = ({ ui, error }: { ui: Ui; error?: string }) => (
  <Layout ui={ui} title="Sign in" signedIn={false}>
    <div class="card narrow">
      <p>
        Paste the tenant's admin token. It is checked once and never shown or stored by the browser; you stay signed in
        for 8 hours.
      </p>
      {error && <Notice kind="error">{error}</Notice>}
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

signInPages.get("/sign-in", (c) => render(c, <SignInPage ui={c.var.ui} />));

signInPages.post("/sign-in", async (c) => {
  const result = await signIn(c as never, c.var.ui.slug, (await formOf(c)).token ?? "");
  if (result.ok) return c.redirect(`${c.var.ui.base}/`, 303);
  if (result.retryAfter) c.header("Retry-After", String(result.retryAfter));
  return render(c, <SignInPage ui={c.var.ui} error={SIGN_IN_FAILED} />, result.status);
});

signInPages.post("/sign-out", async (c) => {
  await signOut(c as never, c.var.ui.slug);
  return c.redirect(`${c.var.ui.base}/sign-in`, 303);
});
