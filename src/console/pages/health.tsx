import type { FC } from "hono/jsx";
import type { health } from "../../admin/services/overview";
import { Empty, Time, type Ui, counted, href } from "../ui";
import { FixText } from "./activity-entry";

type Health = Awaited<ReturnType<typeof health>>;

const pct = (ratio: number) => `${(ratio * 100).toLocaleString("en", { maximumFractionDigits: 1 })}%`;

const STATE: Record<Health["state"], { label: string; kind: string }> = {
  healthy: { label: "Healthy: no request failed in the last hour.", kind: "ok" },
  failing: { label: "Some requests failed in the last hour: see the reasons below.", kind: "warn" },
  "at-risk": {
    label: "At risk: more than 40% of the last 24 hours' requests failed; Entra quarantines such a job.",
    kind: "error",
  },
  idle: { label: "Idle: no SCIM request in the last 24 hours.", kind: "info" },
};

/** Overview card: is the connection healthy, and why did requests fail, with each fix. */
export const HealthCard: FC<{ ui: Ui; h: Health }> = ({ ui, h }) => {
  const activity = `${ui.base}/activity`;
  const scim = h.tokens.find((t) => !t.revoked);
  return (
    <section class="card" aria-labelledby="health">
      <h2 id="health">Provisioning health</h2>
      {!h.lastRequest ? (
        <Empty title="No SCIM request yet">
          <p>
            Paste the Tenant URL and the Secret Token into Entra, then Test Connection: its requests, and any failure
            with its fix, show here.
          </p>
        </Empty>
      ) : (
        <>
          <p class={`health ${STATE[h.state].kind}`}>{STATE[h.state].label}</p>
          <dl class="facts">
            <dt>Last request</dt>
            <dd>
              <Time at={h.lastRequest} /> · <a href={activity}>See all activity</a>
            </dd>
            <dt>Last hour</dt>
            <dd>
              {counted(h.lastHour.requests, "request")}, {h.lastHour.failures.toLocaleString("en")} failed
            </dd>
            <dt>Last 24 hours</dt>
            <dd>
              {counted(h.last24h.requests, "request")}, {h.last24h.failures.toLocaleString("en")} failed (
              {pct(h.last24h.failureRatio)}; Entra quarantines a job above {pct(h.quarantine.threshold)})
            </dd>
            <dt>Token last used</dt>
            <dd>
              <Time at={scim?.lastUsed} />
            </dd>
          </dl>
          {h.failureReasons.length > 0 && (
            <>
              <h3>Why requests failed (last 24 hours)</h3>
              <ul class="plain reasons">
                {h.failureReasons.map((r) => (
                  <li>
                    <p class="reason-title">
                      <strong>{r.title}</strong> · {counted(r.count, "request")}, last <Time at={r.last} />
                    </p>
                    <p>
                      Fix: <FixText text={r.fix} />
                    </p>
                    <p>
                      <a href={href(activity, { status: "failed", reason: r.reason })}>See these requests</a>
                    </p>
                  </li>
                ))}
              </ul>
            </>
          )}
        </>
      )}
    </section>
  );
};
