import type { FC } from "hono/jsx";
import type { FailingEndpoint } from "../../admin/services/overview";
import { Time, type Ui, counted } from "../ui";

const STATE: Record<FailingEndpoint["state"], string> = {
  failing: "failing since",
  disabled: "disabled; failing since",
  "dead-lettered": "events dead-lettered since",
};

/**
 * Event endpoints that need the admin, on the Overview (beside the provisioning
 * health) and the Events page: since when, the last error, and what to do. Nothing when none.
 */
export const FailingEndpointsCard: FC<{ ui: Ui; failing: FailingEndpoint[]; id: string; linkToEvents?: boolean }> = ({
  ui,
  failing,
  id,
  linkToEvents = true,
}) =>
  failing.length === 0 ? null : (
    <section class="card" aria-labelledby={id}>
      <h2 id={id}>Event endpoints failing</h2>
      <p class="health error">
        {counted(failing.length, "event endpoint")} not receiving events.
        {linkToEvents && (
          <>
            {" "}
            <a href={`${ui.base}/events`}>Open Events</a>
          </>
        )}
      </p>
      <ul class="plain reasons">
        {failing.map((f) => (
          <li>
            <p class="reason-title">
              <strong>{f.url}</strong> · {STATE[f.state]} <Time at={f.since} />
              {f.failedAttempts > 0 && <> · {counted(f.failedAttempts, "failed attempt")} in a row</>}
              {f.deadLettered > 0 && <> · {counted(f.deadLettered, "event")} dead-lettered</>}
              {f.pending > 0 && <> · {counted(f.pending, "event")} waiting</>}
            </p>
            {f.lastError && (
              <p>
                Last error <Time at={f.lastError.at} />: {f.lastError.error}
              </p>
            )}
            <ol>
              {f.actions.map((a) => (
                <li>{a}</li>
              ))}
            </ol>
          </li>
        ))}
      </ul>
    </section>
  );
