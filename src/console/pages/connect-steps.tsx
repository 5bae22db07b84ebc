import type { Child, FC, PropsWithChildren } from "hono/jsx";
import type { AddedClient } from "../../admin/services/oauth";
import { type MappingAdvice, EMAIL_TARGET } from "../../admin/services/connect";
import { CopyField, Csrf, DataTable, Notice, type Ui } from "../ui";
import type { StepState } from "./connect-state";

/* The parts of the Connect Entra ID page (connect.tsx): one step each, in the Entra admin center's order. */

/**
 * One step. A live step (with `state`) carries its status sentence in an aria-live region, so a
 * screen reader hears the tick that connect.js brings, and a badge that says Done or Waiting.
 */
export const Step: FC<PropsWithChildren<{ n: number; id: string; title: string; state?: StepState }>> = ({
  n,
  id,
  title,
  state,
  children,
}) => (
  <li class={`card step${state?.done ? " done" : ""}`} data-step={state?.id}>
    <h2 id={`step-${id}`}>
      <span class="step-n" aria-hidden="true" data-n={n}>
        {state?.done ? "✓" : n}
      </span>
      <span class="step-title">
        <span class="sr-only">Step {n}: </span>
        {title}{" "}
        {state && (
          <span class={`badge ${state.done ? "st-active" : "st-waiting"}`} data-badge>
            {state.done ? "Done" : "Waiting"}
          </span>
        )}
      </span>
    </h2>
    {state && (
      <>
        <p class="step-status" id={`${id}-status`} aria-live="polite" data-status>
          {state.text}
        </p>
        <p class="step-warning" id={`${id}-warning`} aria-live="polite" data-warning hidden={!state.warning}>
          {state.warning ?? ""}
        </p>
      </>
    )}
    {children}
  </li>
);

/** The secret just created, shown once (the page's answer to the POST is the only place it appears). */
export type Created = { token: string } | { client: AddedClient };

export const OAuthCredential: FC<{ ui: Ui; endpoint: string; created?: Created }> = ({ ui, endpoint, created }) => (
  <section class="option" aria-labelledby="opt-oauth">
    <h3 id="opt-oauth">OAuth2 client credentials grant (recommended)</h3>
    <p>
      In <strong>Authentication Method</strong> choose <em>OAuth2 client credentials grant</em>. Microsoft's app gallery
      accepts no long-lived bearer token, so use this one if the app may ever be published there.
    </p>
    <CopyField id="token-endpoint" label="Token Endpoint" value={endpoint} />
    {created && "client" in created ? (
      <>
        <Notice kind="warn">
          Shown once: copy the client secret now. It is stored only as a hash; if it is lost, create another client.
        </Notice>
        <CopyField id="client-id" label="Client Identifier" value={created.client.clientId} />
        <CopyField id="client-secret" label="Client Secret" value={created.client.clientSecret} />
      </>
    ) : (
      <form method="post" action={`${ui.base}/connect/client`}>
        <Csrf ui={ui} />
        <button type="submit">Create an OAuth client for Entra</button>
      </form>
    )}
  </section>
);

export const TokenCredential: FC<{ ui: Ui; hasToken: boolean; created?: Created }> = ({ ui, hasToken, created }) => (
  <section class="option" aria-labelledby="opt-token">
    <h3 id="opt-token">Bearer authentication (Secret Token)</h3>
    <p>
      Or choose <em>Bearer Authentication</em> and paste the tenant's SCIM token as the <strong>Secret Token</strong>.
    </p>
    {created && "token" in created ? (
      <>
        <Notice kind="warn">Shown once: copy it now. The previous SCIM token no longer works.</Notice>
        <CopyField id="secret-token" label="Secret Token" value={created.token} />
      </>
    ) : (
      <form method="post" action={`${ui.base}/connect/token`} class="stack">
        <Csrf ui={ui} />
        {hasToken && (
          <p class="hint">
            A SCIM token exists but is never shown again. A new one replaces it at once: Entra fails until it has the
            new one.
          </p>
        )}
        <button type="submit" class={hasToken ? "secondary" : undefined}>
          {hasToken ? "Replace the SCIM token" : "Create the SCIM token"}
        </button>
      </form>
    )}
  </section>
);

const MAP_COLUMNS = [{ label: "Entra attribute" }, { label: "Target attribute" }, { label: "Why" }];

/** A target path with line-break chances after `:`, `.` and `]`, so a URN wraps between its parts, never mid-word. */
const Breakable: FC<{ path: string }> = ({ path }) => (
  <code>{path.split(/(?<=[:.\]])/).map((part, i) => (i ? [<wbr />, part] : part))}</code>
);

const MapRows: FC<{ rows: { source: Child; target: string; why?: string }[] }> = ({ rows }) => (
  <>
    {rows.map((r) => (
      <tr>
        <td data-label="Entra attribute">{r.source}</td>
        <td data-label="Target">
          <Breakable path={r.target} />
        </td>
        <td data-label="Why">{r.why ?? ""}</td>
      </tr>
    ))}
  </>
);

/** Step 4: Entra's default mapping against this tenant's /Schemas. */
export const MappingLists: FC<{ m: MappingAdvice }> = ({ m }) => {
  const remove = [...m.remove, ...m.groups.remove.map((r) => ({ ...r, source: `${r.source} (groups)` }))];
  return (
    <>
      <Notice kind="info">
        <p class="notice-title">Every user needs an email address</p>
        <p>
          Keep <code>mail</code> → <code>{EMAIL_TARGET}</code>: a user without one is refused. If some users have no
          mailbox, edit that mapping to the expression <code>Coalesce([mail], [userPrincipalName])</code>.
        </p>
      </Notice>
      <h3 id="map-remove">Remove ({remove.length})</h3>
      {remove.length ? (
        <DataTable caption="Default mappings to remove" columns={MAP_COLUMNS} class="compact mapping">
          <MapRows rows={remove} />
        </DataTable>
      ) : (
        <p>None: every default target is declared here.</p>
      )}
      <h3 id="map-add">Add ({m.add.length})</h3>
      {m.add.length ? (
        <>
          <p>
            Your custom attributes. Tick <em>Show advanced options</em>, <em>Edit attribute list for customappsso</em>,
            add each name below (type String), save, then <em>Add New Mapping</em> from the Entra attribute that holds
            it.
          </p>
          <DataTable caption="Mappings to add" columns={MAP_COLUMNS} class="compact mapping">
            <MapRows
              rows={m.add.map((a) => ({
                source: <em>yours to choose</em>,
                target: a.target,
                why: `Custom attribute ${a.name}`,
              }))}
            />
          </DataTable>
        </>
      ) : (
        <p>None: this tenant has no custom attributes (Custom attributes page).</p>
      )}
      <details>
        <summary>Keep ({m.keep.length + m.groups.keep.length})</summary>
        <DataTable caption="Default mappings to keep" columns={MAP_COLUMNS} class="compact mapping">
          <MapRows rows={m.keep.map((k) => ({ ...k, why: k.note }))} />
          <MapRows rows={m.groups.keep.map((k) => ({ ...k, source: `${k.source} (groups)` }))} />
        </DataTable>
        {m.optional.length > 0 && (
          <p>Also accepted, if you want them: {m.optional.map((o, i) => [i ? ", " : "", <Breakable path={o} />])}.</p>
        )}
      </details>
    </>
  );
};
