import { Hono } from "hono";
import { tenantDatabase } from "../../tenants/resolve";
import { SIGN_IN_FAILED, signIn, signOut } from "../auth";
import { type ConsoleBindings, type ConsoleContext, formOf, render } from "../context";
import { Field, Layout, Notice, type Ui } from "../ui";

export const signInPages = new Hono<ConsoleBindings>();

/** Issue 12: an unknown tenant answers like a known one refusing the token (no slug enumeration). */
const tenantDb = (c: ConsoleContext): D1Database | undefined => tenantDatabase(c.env, c.var.ui.slug);

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
  const db = tenantDb(c);
  const result = await signIn(c as never, c.var.ui.slug, db, (await formOf(c)).token ?? "");
  if (result.ok) return c.redirect(`${c.var.ui.base}/`, 303);
  if (result.retryAfter) c.header("Retry-After", String(result.retryAfter));
  return render(c, <SignInPage ui={c.var.ui} error={SIGN_IN_FAILED} />, result.status);
});

/** Ends the session in D1 (the cookie alone no longer opens anything) and clears the cookie. */
signInPages.post("/sign-out", async (c) => {
  const db = tenantDb(c);
  if (db) await signOut(c as never, c.var.ui.slug, db);
  return c.redirect(`${c.var.ui.base}/sign-in`, 303);
});
