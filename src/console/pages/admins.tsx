import { Hono } from "hono";
import { type AdminListing, changeRole, listAdmins, removeAdmin, roleChange } from "../../admin/services/admins";
import { newLink } from "../../admin/services/setup-links";
import { ADMIN_ROLES, type AdminRole } from "../../events/types";
import { ScimError } from "../../scim/errors";
import { type ConsoleBindings, type ConsoleContext, formOf, render } from "../context";
import { CopyField, Csrf, DataTable, Field, Layout, Notice, RowAction, Time, type Ui } from "../ui";

/** Who administers the tenant (docs/people.md): owners invite, change roles and remove; admins read. */
export const adminPages = new Hono<ConsoleBindings>();

const ROLE_HINT: Record<AdminRole, string> = {
  owner: "Owner: everything, including who is an admin",
  admin: "Admin: everything but who is an admin",
  viewer: "Viewer: reads everything, changes nothing",
};

const RoleSelect = ({ id, value }: { id: string; value: AdminRole }) => (
  <select id={id} name="role">
    {ADMIN_ROLES.map((r) => (
      <option value={r} selected={r === value}>
        {ROLE_HINT[r]}
      </option>
    ))}
  </select>
);

const AdminRow = ({ ui, a, owner }: { ui: Ui; a: AdminListing; owner: boolean }) => (
  <tr>
    <td class="cell-main wrap">
      <strong>{a.name}</strong> <span class="muted">{a.email}</span>
    </td>
    <td>{a.provider === "microsoft" ? "Microsoft" : "OpenID"}</td>
    <td>
      {owner ? (
        <form method="post" action={`${ui.base}/admins/${encodeURIComponent(a.id)}/role`} class="inline">
          <Csrf ui={ui} />
          <label class="sr-only" for={`role-${a.id}`}>{`Role of ${a.name}`}</label>
          <RoleSelect id={`role-${a.id}`} value={a.role} />
          <button type="submit" class="secondary small" aria-label={`Change the role of ${a.name}`}>
            Change
          </button>
        </form>
      ) : (
        a.role
      )}
    </td>
    <td>
      <Time at={a.lastSignIn} />
    </td>
    <td>
      {owner && (
        <RowAction
          ui={ui}
          action={`${ui.base}/admins/${encodeURIComponent(a.id)}/remove`}
          verb="Remove"
          name={a.name}
        />
      )}
    </td>
  </tr>
);

const COLUMNS = [
  { label: "Person" },
  { label: "Signs in with" },
  { label: "Role" },
  { label: "Last sign-in" },
  { label: <span class="sr-only">Action</span> },
];

async function page(c: ConsoleContext, state: { notice?: string; error?: string; link?: string } = {}, status = 200) {
  const ui = c.var.ui;
  const admins = await listAdmins(c.var.t.db);
  const owner = c.var.t.principal?.role === "owner";
  return render(
    c,
    <Layout ui={ui} title="Admins" active="/admins">
      {state.notice && <Notice kind="ok">{state.notice}</Notice>}
      {state.error && <Notice kind="error">{state.error}</Notice>}
      {state.link && <CopyField id="setup-link" label="Setup link (works once; shown only now)" value={state.link} />}
      <section class="card" aria-labelledby="admins">
        <h2 id="admins">People who administer {ui.slug}</h2>
        <DataTable caption="Admins" columns={COLUMNS} class="compact stack-narrow">
          {admins.map((a) => (
            <AdminRow ui={ui} a={a} owner={owner} />
          ))}
        </DataTable>
      </section>
      {owner && (
        <section class="card narrow" aria-labelledby="invite">
          <h2 id="invite">Invite an admin</h2>
          <form method="post" action={`${ui.base}/admins/invite`} class="stack">
            <Csrf ui={ui} />
            <Field id="email" label="Email" hint="They get a single-use link by mail and sign in with this address.">
              <input id="email" name="email" type="email" required autocomplete="off" aria-describedby="email-hint" />
            </Field>
            <Field id="invite-role" label="Role">
              <RoleSelect id="invite-role" value="viewer" />
            </Field>
            <button type="submit">Send invitation</button>
          </form>
        </section>
      )}
    </Layout>,
    status,
  );
}

adminPages.get("/", (c) => page(c, { notice: c.req.query("done") }));

/** A refused change (the last owner, a removed admin) is shown on the page; nothing changed. */
async function attempt(c: ConsoleContext, work: () => Promise<unknown>, done: string) {
  try {
    await work();
  } catch (e) {
    if (e instanceof ScimError && e.status < 500) return page(c, { error: e.detail }, e.status);
    throw e;
  }
  return c.redirect(`${c.var.ui.base}/admins?done=${encodeURIComponent(done)}`, 303);
}

adminPages.post("/invite", async (c) => {
  const form = await formOf(c);
  const parsed = newLink.safeParse({ email: form.email, role: form.role });
  if (!parsed.success) return page(c, { error: "Give one email address and a role." }, 400);
  try {
    const link = await c.var.services.issueSetupLink(parsed.data);
    return page(c, { notice: `Invitation sent to ${link.email} as ${link.role}.`, link: link.url }, 201);
  } catch (e) {
    if (e instanceof ScimError && e.status < 500) return page(c, { error: e.detail }, e.status);
    throw e;
  }
});

adminPages.post("/:id/role", async (c) => {
  const parsed = roleChange.safeParse({ role: (await formOf(c)).role });
  if (!parsed.success) return page(c, { error: "Choose owner, admin or viewer." }, 400);
  return attempt(c, () => changeRole(c.var.t, c.req.param("id"), parsed.data.role), "Role changed.");
});

adminPages.post("/:id/remove", (c) =>
  attempt(c, () => removeAdmin(c.var.t, c.req.param("id")), "Removed: their sessions have ended."),
);
