import type { FC } from "hono/jsx";
import { type ActivityDetail, type ActivityEntry, reasonInfo } from "../../admin/services/activity";
import { DataTable, Empty, Notice, Time, type Ui, activityHref, href, resourceHref } from "../ui";

const statusClass = (status: number) => (status >= 500 ? "http-5xx" : status >= 400 ? "http-4xx" : "http-2xx");

export const HttpStatus: FC<{ status: number }> = ({ status }) => (
  <span class={`badge ${statusClass(status)}`}>{status}</span>
);

/** A fix as written in reasons.ts: `backticked` names shown as code. */
export const FixText: FC<{ text: string }> = ({ text }) => (
  <>{text.split("`").map((part, i) => (i % 2 ? <code>{part}</code> : part))}</>
);

/** Who the request concerned, unless its path already names it (`GET /Users/<id>` shows the id once). */
const concerned = (e: ActivityEntry) => {
  const who = e.userName ?? e.displayName ?? e.externalId ?? e.resourceId;
  return who && !e.path.includes(who) ? who : null;
};

/** A lookup's filter as sent (`userName eq "ann@contoso.com"`), so a search for nobody shows whom it sought. */
const filterOf = (e: ActivityEntry) => {
  if (!e.query) return null;
  try {
    return new URLSearchParams(e.query).get("filter");
  } catch {
    return null;
  }
};

/** Requests newest first, each a link to its details (status, fix, modified properties, body). */
export const ActivityItems: FC<{ ui: Ui; entries: ActivityEntry[] }> = ({ ui, entries }) => (
  <ol class="timeline">
    {entries.map((e) => (
      <li>
        <a class="entry-link" href={activityHref(ui, e.id)}>
          <Time at={e.at} /> <HttpStatus status={e.status} /> <strong>{e.method}</strong>{" "}
          <span class="mono">{e.path}</span>
          {filterOf(e) && (
            <>
              {" "}
              <span class="muted">where</span> <span class="mono">{filterOf(e)}</span>
            </>
          )}
          {concerned(e) && !filterOf(e) && <span> · {concerned(e)}</span>}
          {e.reason && <span class="sub">{reasonInfo(e.reason)?.title ?? e.reason}</span>}
        </a>
      </li>
    ))}
  </ol>
);

/** A resource's timeline on its page: the latest requests, and the way to all of them. */
export const ActivityTimeline: FC<{ ui: Ui; entries: ActivityEntry[]; kind: "user" | "group"; id: string }> = ({
  ui,
  entries,
  kind,
  id,
}) => (
  <section class="card" aria-labelledby="requests">
    <h2 id="requests">SCIM requests</h2>
    {entries.length === 0 ? (
      <Empty title={`No SCIM request concerned this ${kind} yet`}>
        <p>Entra's lookups, creates, updates and failures for this {kind} appear here a moment after they happen.</p>
      </Empty>
    ) : (
      <ActivityItems ui={ui} entries={entries} />
    )}
    <p>
      <a href={href(`${ui.base}/activity`, { [kind]: id })}>All requests of this {kind} in Activity</a>
    </p>
  </section>
);

const shown = (v: unknown) =>
  v === undefined ? <span class="muted">none</span> : typeof v === "string" ? v : JSON.stringify(v);

/** One request in full: what was asked, what came back, why it failed and what to do about it. */
export const ActivityDetailView: FC<{ ui: Ui; entry: ActivityDetail }> = ({ ui, entry: e }) => {
  const link = resourceHref(ui, e.resourceType, e.resourceId);
  const reason = e.reason ? reasonInfo(e.reason) : undefined;
  return (
    <>
      {reason && (
        <Notice kind="warn">
          <p class="notice-title">{reason.title}</p>
          <p>
            Fix: <FixText text={reason.fix} />
          </p>
        </Notice>
      )}
      <dl class="facts card">
        <dt>Time</dt>
        <dd>
          <Time at={e.at} /> · {e.durationMs} ms
        </dd>
        <dt>Request</dt>
        <dd class="mono">
          {e.method} {e.path}
          {e.query ? `?${e.query}` : ""}
        </dd>
        <dt>Status</dt>
        <dd>
          <HttpStatus status={e.status} />
          {e.scimType && (
            <>
              {" "}
              scimType <code>{e.scimType}</code>
            </>
          )}
        </dd>
        {e.detail && (
          <>
            <dt>Detail</dt>
            <dd>{e.detail}</dd>
          </>
        )}
        <dt>Resource</dt>
        <dd>
          {e.resourceType ?? <span class="muted">none</span>}
          {link && (
            <>
              {" "}
              <a href={link}>Open the {e.resourceType?.toLowerCase()}</a>
            </>
          )}
        </dd>
        {e.userName && (
          <>
            <dt>userName</dt>
            <dd>{e.userName}</dd>
          </>
        )}
        {e.displayName && (
          <>
            <dt>displayName</dt>
            <dd>{e.displayName}</dd>
          </>
        )}
        {e.externalId && (
          <>
            <dt>externalId</dt>
            <dd>{e.externalId}</dd>
          </>
        )}
        <dt>Token id</dt>
        <dd class="mono">{e.tokenId ?? <span class="muted">none</span>}</dd>
        <dt>Record id</dt>
        <dd class="mono">{e.id}</dd>
      </dl>
      <section class="card" aria-labelledby="changes">
        <h2 id="changes">Modified properties</h2>
        {!e.changes?.length ? (
          <p class="muted">This request changed no attribute.</p>
        ) : (
          <DataTable
            caption="Attributes this request changed, old and new value"
            columns={[{ label: "Attribute" }, { label: "Old value" }, { label: "New value" }]}
            class="compact changes"
          >
            {e.changes.map((ch) => (
              <tr>
                <th scope="row" class="wrap">
                  {ch.attribute}
                </th>
                <td class="wrap">{shown(ch.old)}</td>
                <td class="wrap">{shown(ch.new)}</td>
              </tr>
            ))}
          </DataTable>
        )}
      </section>
      <section class="card" aria-labelledby="body">
        <h2 id="body">Request body</h2>
        {e.request === null ? (
          <p class="muted">No body.</p>
        ) : (
          <>
            <p class="hint">
              Secrets and long values are redacted; bodies over 8 KiB are cut (
              {(e.requestBytes ?? 0).toLocaleString("en")} bytes received).
            </p>
            <pre tabindex={0} aria-label="Request body, redacted">
              {JSON.stringify(e.request, null, 2)}
            </pre>
          </>
        )}
      </section>
    </>
  );
};
