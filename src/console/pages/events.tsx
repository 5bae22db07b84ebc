import { Hono } from "hono";
import { failingEventEndpoints } from "../../admin/services/overview";
import { jwks, listDeliveries, listWebhooks } from "../../admin/services/webhooks";
import { redactedUrl } from "../../webhooks/redact";
import { type ConsoleBindings, render } from "../context";
import { Empty, Layout, Time } from "../ui";
import { FailingEndpointsCard } from "./events-health";

export const eventPages = new Hono<ConsoleBindings>();

/** Attempts shown per endpoint. */
const RECENT = 10;

/** Issue 19: the tenant's event endpoints (failing state, recent deliveries) and its public signing keys. */
eventPages.get("/", async (c) => {
  const ui = c.var.ui;
  const db = c.var.t.db;
  const hooks = await listWebhooks(db);
  const recent = await Promise.all(hooks.map((h) => listDeliveries(db, h.id, RECENT)));
  const keys = (await jwks(db)).keys as (JsonWebKey & { kid?: string })[];
  const failing = await failingEventEndpoints(db, ui.slug);
  return render(
    c,
    <Layout ui={ui} title="Events" active="/events">
      <FailingEndpointsCard ui={ui} failing={failing} id="failing-endpoints" />
      {hooks.length === 0 ? (
        <Empty title="No event endpoints">
          <p>Add one with the admin API (POST webhooks); each change to a user or group is then sent to it.</p>
        </Empty>
      ) : (
        <table class="compact stack-narrow">
          <caption class="sr-only">Event endpoints</caption>
          <thead>
            <tr>
              <th scope="col">Endpoint</th>
              <th scope="col">Format</th>
              <th scope="col">Created</th>
              <th scope="col">State</th>
              <th scope="col">Waiting</th>
              <th scope="col">Dead-lettered</th>
            </tr>
          </thead>
          <tbody>
            {hooks.map((h) => (
              <tr>
                <td>{redactedUrl(h.url)}</td>
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
          </tbody>
        </table>
      )}
      {hooks.map((h, i) => (
        <section>
          <h2>Recent deliveries to {redactedUrl(h.url)}</h2>
          {recent[i].length === 0 ? (
            <p>No attempt yet.</p>
          ) : (
            <ol class="timeline">
              {(recent[i] as Record<string, string | number | null>[]).map((a) => (
                <li>
                  <Time at={String(a.at)} /> {a.type ?? "test event"} · {a.status ?? "no answer"} · {a.latencyMs} ms
                  {a.error && <span class="error"> · {a.error}</span>}
                  {a.nextAttemptAt && <> · next try {String(a.nextAttemptAt)}</>}
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
    </Layout>,
  );
});
