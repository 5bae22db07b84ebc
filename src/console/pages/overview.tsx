import { Hono } from "hono";
import { failingEventEndpoints, health, overview } from "../../admin/services/overview";
import { type ConsoleBindings, render } from "../context";
import { CopyField, DataTable, Empty, Layout, Notice, Time, counted, href, sourceLabel } from "../ui";
import { FixText } from "./activity-entry";
import { FailingEndpointsCard } from "./events-health";
import { HealthCard } from "./health";

export const overviewPages = new Hono<ConsoleBindings>();

const BY_SOURCE = [{ label: "Source" }, { label: "Active", class: "num" }, { label: "Suspended", class: "num" }];

/** Page 1: what to paste into Entra, whether it has connected, and the tenant at a glance. */
overviewPages.get("/", async (c) => {
  const ui = c.var.ui;
  const [o, h, failing] = await Promise.all([
    overview(c.var.t.db),
    health(c.var.t.db),
    failingEventEndpoints(c.var.t.db, ui.slug),
  ]);
  const tenantUrl = c.var.services.urls.scim();
  const scimToken = o.tokens.find((t) => t.scope === "scim");
  const total = o.users.reduce((n, r) => n + r.n, 0);
  const bySource = new Map<string, { active: number; suspended: number }>();
  for (const r of o.users) {
    const s = bySource.get(r.source) ?? { active: 0, suspended: 0 };
    s[r.status] += r.n;
    bySource.set(r.source, s);
  }
  const connected = o.connected;
  return render(
    c,
    <Layout ui={ui} title="Overview" active="/">
      {!connected && (
        <Notice kind="info">
          <p class="notice-title">Entra ID has not connected yet</p>
          <p>
            <a href={`${ui.base}/connect`}>Connect Entra ID</a> walks you through the Entra admin center step by step,
            with every value to paste, and ticks each step as Entra arrives.
          </p>
        </Notice>
      )}
      <div class="grid two">
        <section class="card" aria-labelledby="connect">
          <h2 id="connect">Connect Entra ID</h2>
          <CopyField id="tenant-url" label="Tenant URL" value={tenantUrl} />
          <dl class="facts">
            <dt>Secret Token</dt>
            <dd>
              {scimToken ? (
                <>
                  Created <Time at={scimToken.created} />. <a href={`${ui.base}/token`}>Generate a new one</a>
                </>
              ) : (
                <>
                  None yet. <a href={`${ui.base}/token`}>Generate the SCIM token</a>
                </>
              )}
            </dd>
            <dt>Last SCIM change</dt>
            <dd>
              {o.lastScimChange ? (
                <>
                  <Time at={o.lastScimChange.at} /> · {o.lastScimChange.action} {o.lastScimChange.resource_type}
                </>
              ) : (
                <span class="muted">none yet</span>
              )}
            </dd>
            <dt>Last refused request</dt>
            <dd>
              {o.lastScimFailure ? (
                <>
                  <Time at={o.lastScimFailure.at} /> ·{" "}
                  <FixText text={String(JSON.parse(o.lastScimFailure.detail).reason ?? "")} />{" "}
                  <a href={href(`${ui.base}/audit`, { action: "refused" })}>See refusals</a>
                </>
              ) : (
                <span class="muted">none</span>
              )}
            </dd>
          </dl>
          {!connected && (
            <div class="next-steps">
              <h3>Nothing has connected yet</h3>
              <ol>
                <li>
                  In the Entra admin center: Enterprise applications → New application → Create your own → Provisioning,
                  mode <strong>Automatic</strong>.
                </li>
                <li>
                  Paste the Tenant URL above and a credential: an OAuth client or a SCIM token, created on the{" "}
                  <a href={`${ui.base}/connect`}>Connect Entra ID</a> page and shown once there. Then Test Connection.
                </li>
                <li>Assign users and groups, and start provisioning. They appear under Users and Groups.</li>
              </ol>
            </div>
          )}
        </section>
        <section class="card" aria-labelledby="counts">
          <h2 id="counts">Directory</h2>
          <p class="big">
            <a href={`${ui.base}/users`}>{counted(total, "user")}</a> ·{" "}
            <a href={`${ui.base}/groups`}>{counted(o.groups, "group")}</a>
          </p>
          {total === 0 ? (
            <Empty title="No users yet">
              <p>
                Users arrive when Entra ID provisions them, or when older directories are imported through the admin
                API.
              </p>
            </Empty>
          ) : (
            <DataTable caption="Users by source and status" columns={BY_SOURCE} class="compact" wrap={false}>
              {[...bySource].map(([source, n]) => (
                <tr>
                  <th scope="row">
                    <a href={href(`${ui.base}/users`, { source })}>{sourceLabel(source)}</a>
                  </th>
                  <td class="num">{n.active.toLocaleString("en")}</td>
                  <td class="num">{n.suspended.toLocaleString("en")}</td>
                </tr>
              ))}
            </DataTable>
          )}
        </section>
      </div>
      <HealthCard ui={ui} h={h} />
      <FailingEndpointsCard ui={ui} failing={failing} id="failing-endpoints" />
    </Layout>,
  );
});
