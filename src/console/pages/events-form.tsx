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
 * Issue 19: add an event endpoint from the console (the admin API's POST webhooks). No event
 * type ticked means every type. The json format's secret is shown once, on the page that follows.
 */
export const EndpointForm: FC<{ ui: Ui; state: EndpointFormState }> = ({ ui, state }) => {
  const errors = state.errors ?? {};
  const ticked = new Set(state.events ?? []);
  return (
    <section class="card narrow" aria-labelledby="add-endpoint">
      <h2 id="add-endpoint">Add an endpoint</h2>
      <form method="post" action={`${ui.base}/events`} class="stack">
        <Csrf ui={ui} />
        <Field id="url" label="URL" error={errors.url} hint="https only, on a public host; redirects are not followed.">
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
          options={[
            ["json", "JSON, signed the Standard Webhooks way (a secret)"],
            ["set", "SET: signed JWT, RFC 8417 and RFC 9967 (the tenant's keys)"],
          ]}
        />
        <fieldset class="stack" aria-describedby={errors.events ? "events-error" : "events-hint"}>
          <legend>Events</legend>
          <p class="hint" id="events-hint">
            None ticked: every event type.
          </p>
          {EVENT_TYPES.map((t) => (
            <div class="field check-field">
              <input id={`event-${t}`} name="events" type="checkbox" value={t} checked={ticked.has(t)} />
              <label for={`event-${t}`}>{t}</label>
            </div>
          ))}
          {errors.events && (
            <p class="error" id="events-error" role="alert">
              {errors.events}
            </p>
          )}
        </fieldset>
        <button type="submit">Add endpoint</button>
      </form>
    </section>
  );
};
