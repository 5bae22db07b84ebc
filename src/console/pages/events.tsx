import { Hono } from "hono";
import { FieldError } from "../../admin/errors";
import { failingEventEndpoints } from "../../admin/services/overview";
import { jwks, listDeliveries, listWebhooks, newWebhook } from "../../admin/services/webhooks";
import { ScimError } from "../../scim/errors";
import { redactedUrl } from "../../webhooks/redact";
import { type ConsoleBindings, type ConsoleContext, formOf, formValues, render } from "../context";
import { CopyField, DataTable, Empty, Layout, Notice, Time } from "../ui";
import { EndpointForm, type EndpointFormState } from "./events-form";
import { FailingEndpointsCard } from "./events-health";

export const eventPages = new Hono<ConsoleBindings>();

const ENDPOINT_COLUMNS = ["Endpoint", "Format", "Created", "State", "Waiting", "Dead-lettered"].map((label) => ({
  label,
}));

/** Attempts shown per endpoint. */
const RECENT = 10;

interface PageState {
  form?: EndpointFormState;
  /** Just added: its secret (json) is shown this once. */
  added?: { url: string; format: "set" | "json"; secret?: string };
  pageError?: string;
}

/** Issue 19: the tenant's event endpoints (failing state, recent deliveries), its public signing keys, the add form. */
async function page(c: ConsoleContext, state: PageState = {}, status = 200) {
  const ui = c.var.ui;
  const db = c.var.t.db;
  const hooks = await listWebhooks(db);
  const recent = await Promise.all(hooks.map((h) => listDeliveries(db, h.id, RECENT)));
  const keys = (await jwks(db, c.var.services.sealer())).keys as (JsonWebKey & { kid?: string })[];
  const failing = await failingEventEndpoints(db, ui.slug);
  return render(
    c,
    <Layout ui={ui} title="Events" active="/events">
      {state.pageError && <Notice kind="error">{state.pageError}</Notice>}
      {state.added && (
        <section class="card narrow stack" aria-labelledby="new-endpoint">
          <h2 id="new-endpoint">Endpoint added: {redactedUrl(state.added.url)}</h2>
          {state.added.secret ? (
            <>
              <Notice kind="warn">
                Shown once: copy the signing secret now. The receiver verifies each event's webhook-signature with it
                (Standard Webhooks); it cannot be shown again.
              </Notice>
              <CopyField id="endpoint-secret" label="Signing secret" value={state.added.secret} />
            </>
          ) : (
            <Notice kind="ok">The receiver verifies each SET with the tenant's public keys, listed below.</Notice>
          )}
        </section>
      )}
      <FailingEndpointsCard ui={ui} failing={failing} id="failing-endpoints" linkToEvents={false} />
      {hooks.length === 0 ? (
        <Empty title="No event endpoints">
          <p>
            Add one with the form below or the admin API (POST webhooks); each change to a user or group is then sent to
            it.
          </p>
        </Empty>
      ) : (
        // Scrolls sideways on a phone; a focusable region, so the keyboard can scroll it too.
        <DataTable class="compact" caption="Event endpoints" region="Event endpoints" columns={ENDPOINT_COLUMNS}>
          {hooks.map((h) => (
            <tr>
              <td class="wrap">{redactedUrl(h.url)}</td>
              <td>{h.format === "set" ? "SET (signed JWT)" : "JSON (Standard Webhooks)"}</td>
              <td>
                <Time at={h.created} />
              </td>
              <td>
                {h.disabledAt ? (
                  <span class="badge st-suspended">disabled</span>
                ) : h.failingSince ? (
                  <span class="badge st-suspended">
                    failing since <Time at={h.failingSince} />
                  </span>
                ) : (
                  <span class="badge st-active">healthy</span>
                )}
              </td>
              <td>{h.pending}</td>
              <td>{h.deadLettered}</td>
            </tr>
          ))}
        </DataTable>
      )}
      {hooks.map((h, i) => (
        <section>
          <h2 class="wrap">Recent deliveries to {redactedUrl(h.url)}</h2>
          {recent[i].length === 0 ? (
            <p>No attempt yet.</p>
          ) : (
            <ol class="timeline wrap">
              {(recent[i] as Record<string, string | number | null>[]).map((a) => (
                <li>
                  <Time at={String(a.at)} /> {a.type ?? "test event"} · {a.status ?? "no answer"} · {a.latencyMs} ms
                  {a.error && <span class="error"> · {a.error}</span>}
                  {a.nextAttemptAt && (
                    <>
                      {" "}
                      · next try <Time at={String(a.nextAttemptAt)} />
                    </>
                  )}
                </li>
              ))}
            </ol>
          )}
        </section>
      ))}
      <section>
        <h2>Signing keys (JWKS)</h2>
        <p>SETs are signed ES256 with the current key; a rotated key stays published for a day.</p>
        <ul>
          {keys.map((k) => (
            <li>
              <code>{k.kid}</code>
            </li>
          ))}
        </ul>
      </section>
      <EndpointForm ui={ui} state={state.form ?? {}} />
    </Layout>,
    status,
  );
}

eventPages.get("/", (c) => page(c));

eventPages.post("/", async (c) => {
  const form = await formOf(c);
  const events = await formValues(c, "events");
  const state: EndpointFormState = { url: (form.url ?? "").trim(), format: form.format ?? "", events };
  const parsed = newWebhook.safeParse({ url: state.url, format: state.format, ...(events.length ? { events } : {}) });
  if (!parsed.success) {
    const words: Record<string, string> = {
      url: "Give the endpoint's URL (https).",
      format: "Choose JSON or SET.",
      events: "Tick only event types from the list.",
    };
    const errors: Record<string, string> = {};
    for (const i of parsed.error.issues) {
      const key = String(i.path[0] ?? "url");
      errors[key] ??= words[key] ?? i.message;
    }
    return page(c, { form: { ...state, errors } }, 400);
  }
  try {
    const added = await c.var.services.addWebhook(parsed.data);
    return page(c, { added });
  } catch (e) {
    if (e instanceof FieldError) return page(c, { form: { ...state, errors: { [e.field]: e.detail } } }, e.status);
    if (e instanceof ScimError && e.status < 500) return page(c, { form: state, pageError: e.detail }, e.status);
    throw e;
  }
});
