import { failingEventEndpoints } from "../../admin/services/overview";
import { listPollTokens } from "../../admin/services/poll-tokens";
import { jwks, listDeliveries, listWebhooks } from "../../admin/services/webhooks";
import { redactedUrl } from "../../webhooks/redact";
import { type ConsoleContext, render } from "../context";
import { CopyField, DataTable, Empty, Layout, Notice, Time } from "../ui";
import { type DeliveryRow, EndpointCard, SigningKeysCard, endpointAnchor } from "./events-endpoint";
import { EndpointForm, type EndpointFormState } from "./events-form";
import { FailingEndpointsCard } from "./events-health";

const ENDPOINT_COLUMNS = ["Endpoint", "Format", "Created", "State", "Waiting", "Dead-lettered"].map((label) => ({
  label,
}));

/** Attempts shown per endpoint. */
const RECENT = 10;

export interface EventsPageState {
  form?: EndpointFormState;
  /** Just added: its secret (json) is shown this once. */
  added?: { url: string; format: "set" | "json"; secret?: string };
  /** A test event's answer, shown at once. */
  tested?: { url: string; status: number | null; ok: boolean; latencyMs: number; error: string | null };
  /** A poll token just issued: shown this once. */
  issued?: { url: string; id: string; token: string };
  /** What an action did (delete, revoke, rotate), from the redirect after it. */
  done?: string;
  pageError?: string;
}

/** The tenant's event endpoints (state, actions, recent deliveries), the SET keys, the add form. */
/** How an attempt refused before sending begins (src/webhooks/send.ts: the URL checked again). */
const NOT_SENT = "not sent: ";

export async function eventsPage(c: ConsoleContext, state: EventsPageState = {}, status = 200) {
  const ui = c.var.ui;
  const db = c.var.t.db;
  const hooks = await listWebhooks(db);
  const [recent, tokens, failing] = await Promise.all([
    Promise.all(hooks.map((h) => listDeliveries(db, h.id, RECENT))),
    Promise.all(hooks.map((h) => listPollTokens(db, h.id))),
    failingEventEndpoints(db, ui.slug),
  ]);
  const usesSet = hooks.some((h) => h.format === "set");
  const kids = usesSet
    ? ((await jwks(db, c.var.services.sealer())).keys as { kid?: string }[]).map((k) => k.kid ?? "")
    : [];
  return render(
    c,
    <Layout ui={ui} title="Events" active="/events">
      {state.pageError && <Notice kind="error">{state.pageError}</Notice>}
      {state.done && <Notice kind="ok">{state.done}</Notice>}
      {state.tested &&
        (state.tested.ok ? (
          <Notice kind="ok">
            Test event delivered to {state.tested.url}: answered {state.tested.status} in {state.tested.latencyMs} ms.
          </Notice>
        ) : state.tested.error?.startsWith(NOT_SENT) ? (
          <Notice kind="error">
            Test event to {state.tested.url} not sent: {state.tested.error.slice(NOT_SENT.length)}
          </Notice>
        ) : (
          <Notice kind="error">
            Test event to {state.tested.url} failed after {state.tested.latencyMs} ms:{" "}
            {state.tested.status === null
              ? `no answer (${state.tested.error ?? "no reason given"})`
              : `answered ${state.tested.status}`}
            .
          </Notice>
        ))}
      {state.added && (
        <section class="card narrow stack" aria-labelledby="new-endpoint">
          <h2 id="new-endpoint" class="wrap">
            Endpoint added: {redactedUrl(state.added.url)}
          </h2>
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
      {state.issued && (
        <section class="card narrow stack" aria-labelledby="new-poll-token">
          <h2 id="new-poll-token" class="wrap">
            Poll token issued for {state.issued.url}
          </h2>
          <Notice kind="warn">
            Shown once: copy the token now. The receiver sends it as a bearer token to the poll URL and reads this
            endpoint's events only; it cannot be shown again.
          </Notice>
          <CopyField id="poll-token" label="Poll token" value={state.issued.token} />
          <CopyField id="poll-url" label="Poll URL (POST)" value={c.var.services.urls.poll()} />
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
              <td class="wrap">
                <a href={`#${endpointAnchor(h.id)}`}>{redactedUrl(h.url)}</a>
              </td>
              <td>{h.format === "set" ? "SET (signed token)" : "JSON (Standard Webhooks)"}</td>
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
      <div class="after-table">
        {hooks.map((h, i) => (
          <EndpointCard ui={ui} hook={h} deliveries={recent[i] as DeliveryRow[]} tokens={tokens[i]} />
        ))}
        {usesSet && <SigningKeysCard ui={ui} kids={kids} jwksUrl={c.var.services.urls.eventsJwks()} />}
        <EndpointForm ui={ui} state={state.form ?? {}} loopbackHttp={c.var.services.allowsLoopbackHttp} />
      </div>
    </Layout>,
    status,
  );
}
