import type { FC } from "hono/jsx";
import type { WebhookView } from "../../admin/services/webhooks";
import { redactedUrl } from "../../webhooks/redact";
import { Csrf, Empty, RowAction, Time, type Ui } from "../ui";

/** One delivery attempt as `listDeliveries` reads it. */
export type DeliveryRow = Record<string, string | number | null>;
export interface PollTokenRow {
  id: string;
  created: string;
  revoked: string | null;
}

export const endpointAnchor = (id: string) => `endpoint-${id}`;
export const endpointAction = (ui: Ui, id: string, action: string) =>
  `${ui.base}/events/${encodeURIComponent(id)}/${action}`;

/** A form of one button (POST with the CSRF token): the endpoint card's actions. */
const ActionButton: FC<{ ui: Ui; action: string; label: string; kind?: string; describedBy?: string }> = (p) => (
  <form method="post" action={p.action} class="inline">
    <Csrf ui={p.ui} />
    <button type="submit" class={p.kind} aria-describedby={p.describedBy}>
      {p.label}
    </button>
  </form>
);

/**
 * One endpoint: what the Overview's advice asks for (send a test event, delete it and add it
 * again), its poll tokens (RFC 8936) and its latest attempts, each with status, latency and error.
 */
export const EndpointCard: FC<{ ui: Ui; hook: WebhookView; deliveries: DeliveryRow[]; tokens: PollTokenRow[] }> = ({
  ui,
  hook,
  deliveries,
  tokens,
}) => {
  const url = redactedUrl(hook.url);
  const anchor = endpointAnchor(hook.id);
  const current = tokens.filter((t) => !t.revoked);
  return (
    <section class="card" id={anchor} aria-labelledby={`${anchor}-title`}>
      <h2 class="wrap" id={`${anchor}-title`}>
        {url}
      </h2>
      <p class="muted">
        {hook.format === "set" ? "SET (signed token)" : "JSON (Standard Webhooks)"} ·{" "}
        {hook.events ? hook.events.join(", ") : "every event type"}
      </p>
      <div class="actions">
        <ActionButton
          ui={ui}
          action={endpointAction(ui, hook.id, "test")}
          label="Send a test event"
          describedBy={`${anchor}-test-hint`}
        />
        <ActionButton
          ui={ui}
          action={endpointAction(ui, hook.id, "poll-tokens")}
          label="Issue a poll token"
          kind="secondary"
        />
        <ActionButton ui={ui} action={endpointAction(ui, hook.id, "delete")} label="Delete…" kind="danger" />
      </div>
      <p class="hint" id={`${anchor}-test-hint`}>
        A test event is a made-up user change sent now, outside the retry schedule; its answer shows at once.
      </p>
      <h3>Poll tokens</h3>
      {current.length === 0 ? (
        <p class="muted">
          None. A receiver that cannot take pushes fetches this endpoint's events with a poll token instead.
        </p>
      ) : (
        <ul class="plain rows">
          {current.map((t) => (
            <li>
              <span>
                <code>{t.id}</code> · issued <Time at={t.created} />
              </span>
              <RowAction
                ui={ui}
                action={endpointAction(ui, hook.id, `poll-tokens/${encodeURIComponent(t.id)}/revoke`)}
                verb="Revoke"
                name={`poll token ${t.id}`}
                asks
              />
            </li>
          ))}
        </ul>
      )}
      <h3>Recent deliveries</h3>
      {deliveries.length === 0 ? (
        <Empty title="No attempt yet">
          <p>Each change to a user or group, and each test event, is listed here with its answer.</p>
        </Empty>
      ) : (
        <ol class="timeline wrap">
          {deliveries.map((a) => (
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
  );
};

/**
 * The SET format's public keys, shown only when an endpoint uses that format: what a SET and a
 * JWKS are in one line each, the key ids (newest, the signing one, first) and the rotation.
 */
export const SigningKeysCard: FC<{ ui: Ui; kids: string[]; jwksUrl?: string }> = ({ ui, kids, jwksUrl }) => (
  <section class="card" aria-labelledby="signing-keys">
    <h2 id="signing-keys">Signing keys</h2>
    <p>
      <strong>SET</strong> (Security Event Token): each event sent as a signed token, for receivers that verify it with
      public keys instead of a shared secret. <strong>JWKS</strong> (JSON Web Key Set): the list of those public keys
      {jwksUrl ? (
        <>
          , published at <code>{jwksUrl}</code> for receivers (no credential needed)
        </>
      ) : (
        " (the admin API's GET webhooks/jwks)"
      )}
      .
    </p>
    <ul class="plain">
      {kids.map((kid, i) => (
        <li>
          <code>{kid}</code>{" "}
          {i === 0 ? <span class="badge st-active">signs now</span> : <span class="badge">retired</span>}
        </li>
      ))}
    </ul>
    <div class="actions">
      <ActionButton
        ui={ui}
        action={`${ui.base}/events/keys/rotate`}
        label="Rotate the signing key"
        kind="secondary"
        describedBy="rotate-hint"
      />
      <span class="hint" id="rotate-hint">
        A new key signs from now on; the old one stays published for a day, so receivers keep verifying.
      </span>
    </div>
  </section>
);
