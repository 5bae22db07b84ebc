import type { FC } from "hono/jsx";
import type { FederationRow } from "../../admin/services/oauth";
import { Csrf, Empty, RowAction, Time, type Ui } from "../ui";
import { TextField } from "./oauth-fields";

export interface FederationState {
  name?: string;
  issuer?: string;
  subject?: string;
  audience?: string;
  jwksUrl?: string;
  errors?: Record<string, string>;
}

/** Workload identity federation (RFC 7523): Entra presents a JWT it signed instead of a secret. */
export const FederationList: FC<{ ui: Ui; federations: FederationRow[] }> = ({ ui, federations }) => (
  <section class="card" aria-labelledby="federations">
    <h2 id="federations">Workload identity federation</h2>
    {federations.length === 0 ? (
      <Empty title="No federation configs yet">
        <p>With one, Entra ID signs in with a token it signed itself: no secret to rotate.</p>
      </Empty>
    ) : (
      <ul class="plain rows">
        {federations.map((f) => (
          <li>
            <span class="wrap">
              <strong>{f.name}</strong>{" "}
              <span class="muted">
                issuer <code>{f.issuer}</code>, subject <code>{f.subject}</code>, audience <code>{f.audience}</code>,
                keys <code>{f.jwksUrl}</code>; added <Time at={f.created} />, last used <Time at={f.lastUsed} />
              </span>
            </span>
            <RowAction
              ui={ui}
              action={`${ui.base}/oauth/federations/${encodeURIComponent(f.id)}/remove`}
              verb="Remove"
              name={f.name}
              asks
            />
          </li>
        ))}
      </ul>
    )}
    <p class="hint">Removing a config stops the access tokens issued through it at once.</p>
  </section>
);

export const FederationForm: FC<{ ui: Ui; state: FederationState }> = ({ ui, state }) => (
  <section class="card narrow" aria-labelledby="add-federation">
    <h2 id="add-federation">Add a federation</h2>
    <form method="post" action={`${ui.base}/oauth/federations`} class="stack">
      <Csrf ui={ui} />
      <TextField id="fed-name" label="Name" value={state.name} error={state.errors?.name} />
      <TextField
        id="issuer"
        label="Issuer"
        value={state.issuer}
        error={state.errors?.issuer}
        hint="Entra: https://login.microsoftonline.com/<Entra tenant id>/v2.0"
      />
      <TextField
        id="subject"
        label="Subject"
        value={state.subject}
        error={state.errors?.subject}
        hint="The sub claim Entra's token carries (the app's object id)."
      />
      <TextField id="audience" label="Audience" value={state.audience} error={state.errors?.audience} />
      <TextField
        id="jwksUrl"
        label="JWKS URL"
        type="url"
        value={state.jwksUrl}
        error={state.errors?.jwksUrl}
        hint="Where the issuer's public keys are; https."
      />
      <button type="submit">Add federation</button>
    </form>
  </section>
);
