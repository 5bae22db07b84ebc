import type { FC } from "hono/jsx";
import type { ClientListing } from "../../admin/services/oauth";
import { DataTable, Empty, RowAction, Time, type Ui } from "../ui";

function clientStatus(cl: ClientListing, now: string) {
  if (cl.revoked) return <span class="badge st-suspended">Revoked</span>;
  if (cl.expires <= now) return <span class="badge st-suspended">Expired</span>;
  return <span class="badge st-active">Active</span>;
}

const COLUMNS = [
  { label: "Name" },
  { label: "Client id" },
  { label: "Created" },
  { label: "Expires" },
  { label: "Last used" },
  { label: "Status" },
  { label: <span class="sr-only">Action</span> },
];

/** The tenant's clients with their status; revoking one asks first (oauth.tsx). */
export const ClientTable: FC<{ ui: Ui; clients: ClientListing[]; now: string }> = ({ ui, clients, now }) => (
  <section class="card" aria-labelledby="clients">
    <h2 id="clients">Clients</h2>
    {clients.length === 0 ? (
      <Empty title="No OAuth clients yet">
        <p>Add one with the form; several can be active at once, so a secret can be rotated without a gap.</p>
      </Empty>
    ) : (
      <DataTable caption="OAuth clients" columns={COLUMNS} class="compact stack-narrow">
        {clients.map((cl) => (
          <tr>
            <td class="cell-main wrap">
              <strong>{cl.name}</strong>
            </td>
            <td class="wrap">
              <code>{cl.clientId}</code>
            </td>
            <td>
              <Time at={cl.created} />
            </td>
            <td>
              <Time at={cl.expires} />
            </td>
            <td>
              <Time at={cl.lastUsed} />
            </td>
            <td class="cell-badge">{clientStatus(cl, now)}</td>
            <td>
              {!cl.revoked && (
                <RowAction
                  ui={ui}
                  action={`${ui.base}/oauth/clients/${encodeURIComponent(cl.clientId)}/revoke`}
                  verb="Revoke"
                  name={cl.name}
                  asks
                />
              )}
            </td>
          </tr>
        ))}
      </DataTable>
    )}
  </section>
);
