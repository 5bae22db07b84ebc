import { Choice, Empty, Field, Notice, Time, anyOf, counted } from "../../console/ui";
import { DataTable } from "../../console/ui/table";
import type { TenantHealth } from "../health/report";
import { type HealthState, STATES } from "../health/states";
import type { ListQuery } from "./api";
import { FLEET_BASE, FleetLayout, type FleetUi } from "./layout";

export const STATE_LABELS: Record<HealthState, string> = {
  suspended: "Suspended",
  "quarantine-risk": "Quarantine risk",
  silent: "Silent",
  failing: "Failing",
  "events-failing": "Events failing",
  "credentials-expiring": "Credentials expiring",
  new: "New",
  healthy: "Healthy",
};
const STATE_CLASS: Record<HealthState, string> = {
  suspended: "st-suspended",
  "quarantine-risk": "act-refused",
  silent: "act-refused",
  failing: "act-refused",
  "events-failing": "st-waiting",
  "credentials-expiring": "st-waiting",
  new: "",
  healthy: "st-active",
};
const SORT_LABELS = [
  ["state", "Most severe first"],
  ["tenant", "Tenant"],
  ["last-entra", "Last Entra request"],
  ["failures", "Failures in 24 h"],
] as const;

export const StateBadge = ({ state }: { state: HealthState }) => (
  <span class={`badge ${STATE_CLASS[state]}`.trim()}>{STATE_LABELS[state]}</span>
);

const tenantHref = (slug: string) => `${FLEET_BASE}/tenants/${encodeURIComponent(slug)}`;
const figures = (w: { requests: number; failures: number }) =>
  `${counted(w.requests, "request")}, ${w.failures.toLocaleString("en")} failed`;

export const SignInPage = ({ ui, error }: { ui: FleetUi; error?: string }) => (
  <FleetLayout ui={ui} title="Sign in">
    <div class="card narrow">
      <p>
        Paste an operator or support token of the fleet. It is checked once and never stored by the browser; you stay
        signed in for 8 hours.
      </p>
      {error && <Notice kind="error">{error}</Notice>}
      <form method="post" action={`${FLEET_BASE}/sign-in`} class="stack">
        <Field id="token" label="Fleet token" hint="The token whose SHA-256 is the cell's fleet secret.">
          <input
            id="token"
            name="token"
            type="password"
            required
            autocomplete="off"
            spellcheck={false}
            aria-describedby="token-hint"
          />
        </Field>
        <button type="submit">Sign in</button>
      </form>
    </div>
  </FleetLayout>
);

export const ListPage = ({
  ui,
  query,
  list,
}: {
  ui: FleetUi;
  query: ListQuery;
  list: { total: number; counts: Record<string, number>; tenants: TenantHealth[]; at: string };
}) => (
  <FleetLayout ui={ui} title="Tenants">
    <p>
      {counted(
        Object.values(list.counts).reduce((a, b) => a + b, 0),
        "tenant",
      )}{" "}
      in this cell.{" "}
      {STATES.filter((s) => list.counts[s]).map((s, i, shown) => (
        <>
          <a href={`${FLEET_BASE}/?state=${s}`}>{`${list.counts[s]} ${STATE_LABELS[s].toLowerCase()}`}</a>
          {i < shown.length - 1 ? ", " : "."}
        </>
      ))}
    </p>
    <form method="get" action={`${FLEET_BASE}/`} class="filters" role="search">
      <Field id="q" label="Tenant">
        <input id="q" name="q" type="search" value={query.q} maxlength={64} spellcheck={false} />
      </Field>
      <Choice
        id="state"
        label="State"
        value={query.state ?? ""}
        options={anyOf("Any state", STATES, (s) => STATE_LABELS[s as HealthState])}
      />
      <Choice id="sort" label="Sort by" value={query.sort} options={SORT_LABELS} />
      <button type="submit">Apply</button>
    </form>
    {list.tenants.length === 0 ? (
      <Empty title="No tenant matches.">
        <p>
          <a href={`${FLEET_BASE}/`}>Show every tenant</a>
        </p>
      </Empty>
    ) : (
      <DataTable
        caption={`Tenants of the cell, ${counted(list.total, "match", "matches")}`}
        region="Tenants"
        columns={[
          { label: "Tenant" },
          { label: "State" },
          { label: "Since" },
          { label: "Last Entra request", class: "hide-narrow" },
          { label: "Last hour", class: "num hide-narrow" },
          { label: "24 hours", class: "num hide-narrow" },
        ]}
      >
        {list.tenants.map((t) => (
          <tr>
            <td>
              <a href={tenantHref(t.tenant)}>{t.tenant}</a>
            </td>
            <td>
              <StateBadge state={t.state} />
            </td>
            <td>{t.since ? <Time at={t.since} /> : <span class="muted">—</span>}</td>
            <td class="hide-narrow">
              <Time at={t.lastEntra} />
            </td>
            <td class="num hide-narrow">{figures(t.lastHour)}</td>
            <td class="num hide-narrow">{figures(t.last24h)}</td>
          </tr>
        ))}
      </DataTable>
    )}
    <p class="muted">
      As of <Time at={list.at} />. The same list as JSON: <code>GET /fleet/api/tenants</code>.
    </p>
  </FleetLayout>
);

export const TenantPage = ({ ui, t }: { ui: FleetUi; t: TenantHealth }) => (
  <FleetLayout ui={ui} title={`Tenant ${t.tenant}`}>
    <p>
      <a href={`${FLEET_BASE}/`}>All tenants</a>
    </p>
    <section class="card" aria-labelledby="conditions">
      <h2 id="conditions">
        State: <StateBadge state={t.state} />
      </h2>
      {t.conditions.map((c) => (
        <div class="stack">
          <h3>
            {STATE_LABELS[c.state]}
            {c.since && (
              <>
                {" "}
                <span class="muted">
                  since <Time at={c.since} />
                </span>
              </>
            )}
          </h3>
          <p>{c.evidence}</p>
          <p>
            <strong>What to do:</strong> {c.advice}
          </p>
        </div>
      ))}
    </section>
    <section class="card" aria-labelledby="figures">
      <h2 id="figures">Figures</h2>
      <dl class="facts">
        <dt>Last hour</dt>
        <dd>{figures(t.lastHour)}</dd>
        <dt>Last 24 hours</dt>
        <dd>{figures(t.last24h)}</dd>
        <dt>Entra's quarantine</dt>
        <dd>
          {t.quarantine.met
            ? "Rule met"
            : `${t.quarantine.failuresToGo.toLocaleString("en")} more failures at ${Math.round(t.quarantine.ratio * 1000) / 10}% failing`}
        </dd>
        <dt>Last Entra request</dt>
        <dd>
          <Time at={t.lastEntra} />
        </dd>
        <dt>First seen</dt>
        <dd>
          <Time at={t.firstSeen} />
        </dd>
        <dt>Ever connected</dt>
        <dd>{t.everConnected ? "Yes" : "No"}</dd>
        <dt>Onboarded</dt>
        <dd>
          <Time at={t.onboarded} />
        </dd>
        <dt>Facts read</dt>
        <dd>
          <Time at={t.refreshed} />
        </dd>
      </dl>
      {ui.role === "operator" && (
        <form method="post" action={`${tenantHref(t.tenant)}/refresh`}>
          <input type="hidden" name="_csrf" value={ui.csrf} />
          <button type="submit" class="secondary">
            Read the tenant's facts again
          </button>
        </form>
      )}
    </section>
  </FleetLayout>
);
