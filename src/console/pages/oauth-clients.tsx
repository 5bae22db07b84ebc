import type { FC } from "hono/jsx";
import type { ClientListing } from "../../admin/services/oauth";
import { Csrf, Empty, Time, type Ui } from "../ui";

function clientStatus(cl: ClientListing, now: string) {
  if (cl.revoked) return <span class="badge st-suspended">Revoked</span>;
  if (cl.expires <= now) return <span class="badge st-suspended">Expired</span>;
  return <span class="badge st-active">Active</span>;
}

/** The tenant's clients with their status; revoking one asks first (oauth.tsx). */
export const ClientTable: FC<{ ui: Ui; clients: ClientListing[]; now: string }> = ({ ui, clients, now }) => (
  <section class="card" aria-labelledby="clients">
    <h2 id="clients">Clients</h2>
    {clients.length === 0 ? (
      <Empty title="No OAuth clients yet">
        <p>Add one with the form; several can be active at once, so a secret can be rotated without a gap.</p>
      </Empty>
    ) : (
      <div class="table-wrap">
        <table class="compact stack-narrow">
          <caption class="sr-only">OAuth clients</caption>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Client id</th>
              <th scope="col">Created</th>
              <th scope="col">Expires</th>
              <th scope="col">Last used</th>
              <th scope="col">Status</th>
              <th scope="col">
                <span class="sr-only">Action</span>
              </th>
            </tr>
          </thead>
          <tbody>
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
                    <form
                      method="post"
                      action={`${ui.base}/oauth/clients/${encodeURIComponent(cl.clientId)}/revoke`}
                      class="inline"
                    >
                      <Csrf ui={ui} />
                      <button type="submit" class="secondary small" aria-label={`Revoke ${cl.name}…`}>
                        Revoke…
                      </button>
                    </form>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    )}
  </section>
);
