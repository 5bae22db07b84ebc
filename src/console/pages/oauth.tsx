import { Hono } from "hono";
import { FieldError } from "../../admin/errors";
import {
  DEFAULT_SECRET_DAYS,
  MAX_SECRET_DAYS,
  JWKS_URL_RULE,
  addClient,
  addFederation,
  listClients,
  listFederations,
  newClient,
  newFederation,
  removeFederation,
  revokeClient,
} from "../../admin/services/oauth";
import { clock } from "../../platform/clock";
import { ScimError } from "../../scim/errors";
import { type ConsoleBindings, type ConsoleContext, formOf, render } from "../context";
import { ConfirmForm, CopyField, Csrf, Layout, Notice, Time } from "../ui";
import { ClientTable } from "./oauth-clients";
import { FederationForm, FederationList, type FederationState } from "./oauth-federations";
import { TextField } from "./oauth-fields";

export const oauthPages = new Hono<ConsoleBindings>();

interface ClientState {
  name?: string;
  days?: string;
  errors?: Record<string, string>;
}

interface PageState {
  client?: ClientState;
  federation?: FederationState;
  notice?: string;
  pageError?: string;
}

const endpoint = (c: ConsoleContext) => c.var.services.urls.tokenEndpoint();

async function page(c: ConsoleContext, state: PageState = {}, status = 200) {
  const ui = c.var.ui;
  const [clients, federations] = await Promise.all([listClients(c.var.t.db), listFederations(c.var.t.db)]);
  const now = clock.iso();
  const cs = state.client ?? {};
  return render(
    c,
    <Layout ui={ui} title="OAuth clients" active="/oauth">
      {state.notice && <Notice kind="ok">{state.notice}</Notice>}
      {state.pageError && <Notice kind="error">{state.pageError}</Notice>}
      <p>
        Instead of the Secret Token, Entra ID can authenticate with "OAuth2 client credentials grant": it takes a client
        id and secret from here and this token endpoint.
      </p>
      <CopyField id="token-endpoint" label="OAuth token endpoint (for Entra)" value={endpoint(c)} />
      <ClientTable ui={ui} clients={clients} now={now} />
      <section class="card narrow" aria-labelledby="add-client">
        <h2 id="add-client">Add a client</h2>
        <form method="post" action={`${ui.base}/oauth/clients`} class="stack">
          <Csrf ui={ui} />
          <TextField id="name" label="Name" value={cs.name} error={cs.errors?.name} hint="For example: Entra ID." />
          <TextField
            id="expiresInDays"
            label="Secret expires in (days)"
            type="number"
            min={1}
            max={MAX_SECRET_DAYS}
            value={cs.days ?? String(DEFAULT_SECRET_DAYS)}
            error={cs.errors?.expiresInDays}
            hint={`1 to ${MAX_SECRET_DAYS} days (three years); ${DEFAULT_SECRET_DAYS} by default.`}
          />
          <button type="submit">Add client</button>
        </form>
      </section>
      <FederationList ui={ui} federations={federations} />
      <FederationForm ui={ui} state={state.federation ?? {}} />
    </Layout>,
    status,
  );
}

/** OAuth clients (client credentials) and workload identity federations. */
oauthPages.get("/", (c) => {
  const revoked = c.req.query("revoked");
  const added = c.req.query("added");
  const removed = c.req.query("removed");
  const notice = revoked
    ? `Revoked ${revoked}: its access tokens stopped working.`
    : added
      ? `Added the federation ${added}.`
      : removed
        ? `Removed the federation ${removed}: its access tokens stopped working.`
        : undefined;
  return page(c, { notice });
});

/** Field errors of a refused form, by field, worded for a person. */
function fieldErrors(issues: { path: PropertyKey[]; message: string }[], words: Record<string, string>) {
  const errors: Record<string, string> = {};
  for (const i of issues) {
    const key = String(i.path[0] ?? "");
    errors[key] ??= words[key] ?? i.message;
  }
  return errors;
}

oauthPages.post("/clients", async (c) => {
  const ui = c.var.ui;
  const form = await formOf(c);
  const name = (form.name ?? "").trim();
  const days = (form.expiresInDays ?? "").trim();
  const parsed = newClient.safeParse({ name, expiresInDays: days === "" ? undefined : Number(days) });
  if (!parsed.success) {
    const errors = fieldErrors(parsed.error.issues, {
      name: "Give the client a name (at most 100 characters).",
      expiresInDays: `A whole number of days from 1 to ${MAX_SECRET_DAYS}.`,
    });
    return page(c, { client: { name, days, errors } }, 400);
  }
  const client = await addClient(c.var.t, parsed.data);
  return render(
    c,
    <Layout ui={ui} title="OAuth clients" active="/oauth">
      <section class="card narrow stack" aria-labelledby="new-client">
        <h2 id="new-client">Your new OAuth client: {client.name}</h2>
        <Notice kind="warn">
          Shown once: copy the client secret now. It is stored only as a hash and cannot be shown again; if it is lost,
          add another client and revoke this one. Paste these into Entra ID (Provisioning → Admin Credentials → OAuth2
          client credentials grant) and run Test Connection.
        </Notice>
        <CopyField id="client-id" label="Client identifier" value={client.clientId} />
        <CopyField id="client-secret" label="Client secret" value={client.clientSecret} />
        <CopyField id="oauth-token-endpoint" label="OAuth token endpoint" value={endpoint(c)} />
        <CopyField id="tenant-url" label="Tenant URL" value={c.var.services.urls.scim()} />
        <p>
          The secret expires <Time at={client.expires} />.
        </p>
        <p>
          <a href={`${ui.base}/oauth`}>Done</a>
        </p>
      </section>
    </Layout>,
    201 as 200,
  );
});

/** Step 1 names the client and asks; step 2 (`confirm`) revokes it through the admin API's service. */
oauthPages.post("/clients/:id/revoke", async (c) => {
  const ui = c.var.ui;
  const id = c.req.param("id");
  const client = (await listClients(c.var.t.db)).find((cl) => cl.clientId === id && !cl.revoked);
  if (!client) return page(c, { pageError: `No active OAuth client "${id.slice(0, 100)}".` }, 404);
  if ((await formOf(c)).confirm === "yes") {
    await revokeClient(c.var.t, id);
    return c.redirect(`${ui.base}/oauth?revoked=${encodeURIComponent(client.name)}`, 303);
  }
  return render(
    c,
    <Layout ui={ui} title="Revoke an OAuth client" active="/oauth">
      <ConfirmForm
        ui={ui}
        action={`${ui.base}/oauth/clients/${encodeURIComponent(id)}/revoke`}
        confirm={`Revoke ${client.name}`}
        cancel={`${ui.base}/oauth`}
      >
        <p>
          Revoke <strong>{client.name}</strong> (<code>{client.clientId}</code>)? Its secret and every access token it
          got stop working at once; Entra ID fails until it has another client's credentials.
        </p>
      </ConfirmForm>
    </Layout>,
  );
});

oauthPages.post("/federations", async (c) => {
  const form = await formOf(c);
  const input = {
    name: (form["fed-name"] ?? "").trim(),
    issuer: (form.issuer ?? "").trim(),
    subject: (form.subject ?? "").trim(),
    audience: (form.audience ?? "").trim(),
    jwksUrl: (form.jwksUrl ?? "").trim(),
  };
  const parsed = newFederation.safeParse(input);
  if (!parsed.success) {
    const errors = fieldErrors(parsed.error.issues, {
      name: "Give the federation a name (at most 100 characters).",
      issuer: "The issuer is required (at most 512 characters).",
      subject: "The subject is required (at most 512 characters).",
      audience: "The audience is required (at most 512 characters).",
      jwksUrl: `The JWKS URL must be ${JWKS_URL_RULE}.`,
    });
    return page(c, { federation: { ...input, errors } }, 400);
  }
  try {
    const f = await addFederation(c.var.t, parsed.data);
    return c.redirect(`${c.var.ui.base}/oauth?added=${encodeURIComponent(f.name)}`, 303);
  } catch (e) {
    if (e instanceof FieldError)
      return page(c, { federation: { ...input, errors: { [e.field]: e.detail } } }, e.status);
    throw e;
  }
});

/** Like revoking a client: step 1 names the config and asks, step 2 (`confirm`) removes it. */
oauthPages.post("/federations/:id/remove", async (c) => {
  const ui = c.var.ui;
  const id = c.req.param("id");
  const f = (await listFederations(c.var.t.db)).find((x) => x.id === id);
  if (!f) return page(c, { pageError: `No federation "${id.slice(0, 100)}".` }, 404);
  if ((await formOf(c)).confirm === "yes") {
    try {
      await removeFederation(c.var.t, id);
    } catch (e) {
      if (e instanceof ScimError && e.status < 500) return page(c, { pageError: e.detail }, e.status);
      throw e;
    }
    return c.redirect(`${ui.base}/oauth?removed=${encodeURIComponent(f.name)}`, 303);
  }
  return render(
    c,
    <Layout ui={ui} title="Remove a federation" active="/oauth">
      <ConfirmForm
        ui={ui}
        action={`${ui.base}/oauth/federations/${encodeURIComponent(id)}/remove`}
        confirm={`Remove ${f.name}`}
        cancel={`${ui.base}/oauth`}
      >
        <p>
          Remove <strong>{f.name}</strong> (issuer <code>{f.issuer}</code>, subject <code>{f.subject}</code>)? The
          access tokens issued through it stop working at once.
        </p>
      </ConfirmForm>
    </Layout>,
  );
});
