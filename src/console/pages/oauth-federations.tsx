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

/** The form's fields; `key` names the field in the state and in the admin API's body. */
const FIELDS: {
  id: string;
  key: Exclude<keyof FederationState, "errors">;
  label: string;
  hint?: string;
  type?: "url";
}[] = [
  { id: "fed-name", key: "name", label: "Name" },
  {
    id: "issuer",
    key: "issuer",
    label: "Issuer",
    hint: "Entra: https://login.microsoftonline.com/<Entra tenant id>/v2.0",
  },
  {
    id: "subject",
    key: "subject",
    label: "Subject",
    hint: "The sub claim Entra's token carries (the app's object id).",
  },
  { id: "audience", key: "audience", label: "Audience" },
  { id: "jwksUrl", key: "jwksUrl", label: "JWKS URL", type: "url", hint: "Where the issuer's public keys are; https." },
];

export const FederationForm: FC<{ ui: Ui; state: FederationState }> = ({ ui, state }) => (
  <section class="card narrow" aria-labelledby="add-federation">
    <h2 id="add-federation">Add a federation</h2>
    <form method="post" action={`${ui.base}/oauth/federations`} class="stack">
      <Csrf ui={ui} />
      {FIELDS.map((f) => (
        <TextField
          id={f.id}
          label={f.label}
          type={f.type}
          hint={f.hint}
          value={state[f.key]}
          error={state.errors?.[f.key]}
        />
      ))}
      <button type="submit">Add federation</button>
    </form>
  </section>
);
