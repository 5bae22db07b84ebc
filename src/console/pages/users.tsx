import { Hono } from "hono";
import { findActivity } from "../../admin/services/activity";
import { listAudit } from "../../admin/services/audit";
import { lastMailOf, listUsers, userListQuery, userProfile, usersByIds } from "../../admin/services/users";
import { rolesOfUser, rolesOfUsers } from "../../admin/services/roles";
import { RoleCells } from "./user-roles";
import { type ConsoleBindings, formValues, render } from "../context";
import {
  Choice,
  ConfirmForm,
  DataTable,
  FilterForm,
  Csrf,
  Empty,
  Field,
  Layout,
  Notice,
  Pager,
  SOURCE_OPTIONS,
  SourceBadge,
  StatusBadge,
  UserCells,
  href,
} from "../ui";
import { UserProfilePage } from "./user-profile";

export const userPages = new Hono<ConsoleBindings>();

const PAGE = 25;
/** Latest SCIM requests on a user page; the Activity page has them all. */
const TIMELINE = 10;
const STATUSES = [
  ["", "Any status"],
  ["active", "Active"],
  ["suspended", "Suspended"],
] as const;
const ORDERS = [
  ["asc", "Ascending"],
  ["desc", "Descending"],
] as const;
const SORTS = [
  ["userName", "userName"],
  ["displayName", "Display name"],
  ["created", "Created"],
  ["lastModified", "Last modified"],
] as const;

/** Page 2 (P4): search, filter by source and status, sort, page; select users for a hard delete (P9). */
userPages.get("/", async (c) => {
  const ui = c.var.ui;
  // An empty field of the filter form means "any".
  const raw = Object.fromEntries(Object.entries(c.req.query()).filter(([, v]) => v !== ""));
  const parsed = userListQuery.safeParse({ ...raw, limit: PAGE, offset: raw.offset || 0 });
  const q = parsed.success ? parsed.data : userListQuery.parse({ limit: PAGE });
  const { total, users } = await listUsers(c.var.t.db, q);
  const roles = await rolesOfUsers(
    c.var.t,
    c.var.services.roleCatalog(),
    users.map((u) => u.id),
  );
  const query = {
    q: q.q,
    source: q.source,
    status: q.status,
    sort: q.sort === "userName" ? undefined : q.sort,
    order: q.order === "asc" ? undefined : q.order,
  };
  const deleted = Number(raw.deleted) || 0;
  return render(
    c,
    <Layout ui={ui} title="Users" active="/users">
      {deleted > 0 && (
        <Notice kind="ok">
          {deleted === 1 ? "1 user was deleted for good." : `${deleted} users were deleted for good.`}
        </Notice>
      )}
      {!parsed.success && <Notice kind="error">Some filters were not understood and were ignored.</Notice>}
      <FilterForm action={`${ui.base}/users`}>
        <Field id="q" label="Search">
          <input id="q" name="q" type="search" value={q.q ?? ""} placeholder="userName, email or name" />
        </Field>
        <Choice id="source" label="Source" value={q.source} options={SOURCE_OPTIONS} />
        <Choice id="status" label="Status" value={q.status} options={STATUSES} />
        <Choice id="sort" label="Sort by" value={q.sort} options={SORTS} />
        <Choice id="order" label="Order" value={q.order} options={ORDERS} />
        <button type="submit">Apply</button>
      </FilterForm>
      {users.length === 0 ? (
        <Empty title={q.q || q.source || q.status ? "No user matches these filters" : "No users yet"}>
          <p>
            {q.q || q.source || q.status ? (
              <a href={`${ui.base}/users`}>Clear the filters</a>
            ) : (
              "Users appear here once Entra ID provisions them (see the Overview for the Tenant URL)."
            )}
          </p>
        </Empty>
      ) : (
        <form method="post" action={`${ui.base}/users/delete`}>
          <Csrf ui={ui} />
          <p class="count" aria-live="polite">
            {total.toLocaleString("en")} {total === 1 ? "user" : "users"}
            {total > PAGE ? `, ${q.offset + 1}-${q.offset + users.length} shown` : ""}
          </p>
          <DataTable
            caption="Users"
            class="users stack-narrow"
            columns={[
              { label: <span class="sr-only">Select</span>, class: "check" },
              { label: "User" },
              { label: "Email" },
              { label: "Source" },
              { label: "Status" },
              { label: "Roles" },
            ]}
          >
            {users.map((u) => (
              <tr>
                <td class="check">
                  <input
                    type="checkbox"
                    name="id"
                    value={u.id}
                    id={`sel-${u.id}`}
                    aria-label={`Select ${u.userName}`}
                  />
                </td>
                <UserCells
                  ui={ui}
                  user={u}
                  email={<td class="wrap cell-main">{u.email ?? <span class="muted">none</span>}</td>}
                />
                <RoleCells roles={roles.get(u.id) ?? []} />
              </tr>
            ))}
          </DataTable>
          <div class="actions" data-needs-selection="table.users tbody input[type=checkbox]">
            <button type="submit" class="danger">
              Delete selected for good…
            </button>
            <span class="hint">Asks for confirmation first. Entra's own deletes only suspend a user.</span>
          </div>
          <Pager
            label="User pages"
            prev={
              q.offset > 0
                ? href(`${ui.base}/users`, { ...query, offset: Math.max(0, q.offset - PAGE) || undefined })
                : null
            }
            next={q.offset + PAGE < total ? href(`${ui.base}/users`, { ...query, offset: q.offset + PAGE }) : null}
            info={`Page ${Math.floor(q.offset / PAGE) + 1} of ${Math.max(1, Math.ceil(total / PAGE))}`}
          />
        </form>
      )}
    </Layout>,
  );
});

/** Most users one confirmation deletes; a larger clean-up goes through the admin API. */
const MAX_DELETE = 100;

/**
 * P9: step 1 shows the users by name and asks; step 2 (`confirm`) deletes them, each through
 * the same service the admin API's DELETE uses.
 */
userPages.post("/delete", async (c) => {
  const ui = c.var.ui;
  const t = c.var.t;
  const ids = [...new Set(await formValues(c, "id"))].slice(0, MAX_DELETE);
  const confirmed = (await formValues(c, "confirm"))[0] === "yes";
  const rows = await usersByIds(t.db, ids);
  if (confirmed && rows.length) {
    for (const r of rows) await c.var.services.hardDeleteUser(r.id);
    return c.redirect(`${ui.base}/users?deleted=${rows.length}`, 303);
  }
  return render(
    c,
    <Layout ui={ui} title="Delete users for good" active="/users">
      {rows.length === 0 ? (
        <Notice kind="error">No user was selected. Go back and tick the users to delete.</Notice>
      ) : (
        <ConfirmForm
          ui={ui}
          action={`${ui.base}/users/delete`}
          confirm={`Delete ${rows.length === 1 ? rows[0].user_name : `${rows.length} users`} for good`}
          cancel={`${ui.base}/users`}
        >
          <p>
            {rows.length === 1 ? "This user is" : `These ${rows.length} users are`} removed for good, with their group
            memberships. Entra ID provisioning would create {rows.length === 1 ? "it" : "them"} again as new{" "}
            {rows.length === 1 ? "user" : "users"}.
          </p>
          <ul class="names">
            {rows.map((r) => (
              <li>
                <input type="hidden" name="id" value={r.id} />
                <strong>{r.user_name}</strong> {r.display_name && <span class="muted">({r.display_name})</span>}{" "}
                <SourceBadge source={r.source} /> <StatusBadge status={r.active ? "active" : "suspended"} />
              </li>
            ))}
          </ul>
        </ConfirmForm>
      )}
    </Layout>,
    rows.length ? 200 : 400,
  );
});

/** Page 3: one user with everything the tenant knows about it. */
userPages.get("/:id", async (c) => {
  const t = c.var.t;
  const profile = await userProfile(t.db, c.req.param("id"));
  const [audit, mail, activity, roles] = await Promise.all([
    listAudit(t.db, { resourceType: "User", resourceId: profile.id, limit: 50 }),
    lastMailOf(t.db, profile.id),
    findActivity(t.db, { user: profile.id, limit: TIMELINE }),
    rolesOfUser(t, c.var.services.roleCatalog(), profile.id),
  ]);
  return render(
    c,
    <UserProfilePage
      ui={c.var.ui}
      profile={profile}
      audit={audit.entries}
      activity={activity.entries}
      mail={mail}
      roles={roles.roles}
      settings={t.settings}
      customAttributes={t.customAttributes}
    />,
  );
});
