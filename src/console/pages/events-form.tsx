import type { FC } from "hono/jsx";
import { EVENT_TYPES } from "../../admin/services/webhooks";
import { Choice, Csrf, Field, type Ui, describedBy } from "../ui";

/** What the add-endpoint form was sent with, to show again beside its errors. */
export interface EndpointFormState {
  url?: string;
  format?: string;
  events?: string[];
  errors?: Record<string, string>;
}

/**
 * Add an event endpoint from the console (the admin API's POST webhooks). No event
 * type ticked means every type. The json format's secret is shown once, on the page that follows.
 */
export const EndpointForm: FC<{ ui: Ui; state: EndpointFormState; loopbackHttp: boolean }> = ({
  ui,
  state,
  loopbackHttp,
}) => {
  const errors = state.errors ?? {};
  const ticked = new Set(state.events ?? []);
  return (
    <section class="card" aria-labelledby="add-endpoint">
      <h2 id="add-endpoint">Add an endpoint</h2>
      <form method="post" action={`${ui.base}/events`} class="endpoint-form">
        <Csrf ui={ui} />
        <div class="stack">
          <Field
            id="url"
            label="URL"
            error={errors.url}
            hint={
              loopbackHttp
                ? "https on a public host; on this local run (npm start) also http://127.0.0.1:<port>/… for a receiver on this machine. Redirects are not followed."
                : "https only, on a public host; redirects are not followed."
            }
          >
            <input
              id="url"
              name="url"
              type="url"
              required
              maxlength={2000}
              value={state.url ?? ""}
              autocomplete="off"
              aria-describedby={describedBy("url", true, errors.url)}
              aria-invalid={errors.url ? "true" : undefined}
            />
          </Field>
          <Choice
            id="format"
            label="Format"
            value={state.format ?? "json"}
            error={errors.format}
            hint="JSON: the receiver checks each event with a secret shown once. SET: each event is a signed token the receiver checks with the tenant's public keys, no shared secret."
            options={[
              ["json", "JSON, signed with a secret (Standard Webhooks)"],
              ["set", "SET, a signed token (RFC 8417)"],
            ]}
          />
        </div>
        <fieldset aria-describedby={errors.events ? "events-error" : "events-hint"}>
          <legend>Events</legend>
          <p class="hint" id="events-hint">
            None ticked: every event type.
          </p>
          <div class="checks">
            {EVENT_TYPES.map((t) => (
              <div class="field check-field">
                <input id={`event-${t}`} name="events" type="checkbox" value={t} checked={ticked.has(t)} />
                <label for={`event-${t}`}>{t}</label>
              </div>
            ))}
          </div>
          {errors.events && (
            <p class="error" id="events-error" role="alert">
              {errors.events}
            </p>
          )}
        </fieldset>
        <div class="form-end">
          <button type="submit">Add endpoint</button>
        </div>
      </form>
    </section>
  );
};
