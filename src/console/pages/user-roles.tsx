import type { FC } from "hono/jsx";
import type { UserRoleView } from "../../admin/services/roles";
import type { Ui } from "../ui";

/** A user's effective roles in the users list: each role, the primary one marked, why in its title. */
export const RoleCells: FC<{ roles: UserRoleView[] }> = ({ roles }) => (
  <td class="roles-cell wrap">
    {roles.length === 0 ? (
      <span class="muted">none</span>
    ) : (
      roles.map((r) => (
        <span class={`badge${r.primary ? " st-active" : ""}`} title={r.why.join("; ")}>
          {r.display}
          {r.primary && <span class="sr-only"> (primary)</span>}
        </span>
      ))
    )}
  </td>
);

/** The profile's Roles card: each effective role and why the user holds it (docs/roles.md). */
export const RolesSection: FC<{ ui: Ui; roles: UserRoleView[] }> = ({ ui, roles }) => (
  <section class="card" aria-labelledby="roles">
    <h2 id="roles">Roles</h2>
    {roles.length === 0 ? (
      <p class="muted">
        No role: no rule matches this user, there is no default role, or the user is suspended.{" "}
        <a href={`${ui.base}/roles`}>Roles</a>
      </p>
    ) : (
      <ul class="plain">
        {roles.map((r) => (
          <li>
            <strong>{r.display}</strong> <code class="id">{r.value}</code>{" "}
            {r.primary && <span class="badge st-active">primary</span>}
            <span class="sub">from {r.why.join(", ")}</span>
          </li>
        ))}
      </ul>
    )}
  </section>
);
