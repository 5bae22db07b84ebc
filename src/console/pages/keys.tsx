import { Hono } from "hono";
import { type KeyListing, listKeys, newKey } from "../../admin/services/keys";
import { ScimError } from "../../scim/errors";
import { type ConsoleBindings, type ConsoleContext, formOf, render } from "../context";
import { CopyField, Csrf, DataTable, Field, Layout, Notice, RowAction, Time, type Ui } from "../ui";

/** Named admin API keys (docs/people.md): listed with their last use; owners add and revoke. */
export const keyPages = new Hono<ConsoleBindings>();

const COLUMNS = [
  { label: "Name" },
  { label: "Access" },
  { label: "Created" },
  { label: "Last used" },
  { label: <span class="sr-only">Action</span> },
];

const KeyRow = ({ ui, k, owner }: { ui: Ui; k: KeyListing; owner: boolean }) => (
  <tr>
    <td class="cell-main wrap">
      <strong>{k.name}</strong>
    </td>
    <td>{k.access === "read" ? "Read" : "Read and write"}</td>
    <td>
      <Time at={k.created} />
    </td>
    <td>
      <Time at={k.lastUsed} />
    </td>
    <td>
      {owner && (
        <RowAction ui={ui} action={`${ui.base}/keys/${encodeURIComponent(k.id)}/revoke`} verb="Revoke" name={k.name} />
      )}
    </td>
  </tr>
);

async function page(c: ConsoleContext, state: { notice?: string; error?: string; key?: string } = {}, status = 200) {
  const ui = c.var.ui;
  const keys = await listKeys(c.var.t.db);
  const owner = c.var.t.principal?.role === "owner";
  return render(
    c,
    <Layout ui={ui} title="API keys" active="/keys">
      {state.notice && <Notice kind="ok">{state.notice}</Notice>}
      {state.error && <Notice kind="error">{state.error}</Notice>}
      {state.key && <CopyField id="new-key" label="The new key (shown only now)" value={state.key} />}
      <section class="card" aria-labelledby="keys">
        <h2 id="keys">Admin API keys</h2>
        <DataTable caption="Admin API keys" columns={COLUMNS} class="compact stack-narrow">
          {keys.map((k) => (
            <KeyRow ui={ui} k={k} owner={owner} />
          ))}
        </DataTable>
      </section>
      {owner && (
        <section class="card narrow" aria-labelledby="add-key">
          <h2 id="add-key">Add a key</h2>
          <form method="post" action={`${ui.base}/keys`} class="stack">
            <Csrf ui={ui} />
            <Field id="name" label="Name" hint="What uses it, for example: CI pipeline.">
              <input id="name" name="name" required maxlength={64} autocomplete="off" aria-describedby="name-hint" />
            </Field>
            <Field id="access" label="Access">
              <select id="access" name="access">
                <option value="read">Read</option>
                <option value="write">Read and write</option>
              </select>
            </Field>
            <button type="submit">Add key</button>
          </form>
        </section>
      )}
    </Layout>,
    status,
  );
}

keyPages.get("/", (c) => page(c, { notice: c.req.query("done") }));

keyPages.post("/", async (c) => {
  const form = await formOf(c);
  const parsed = newKey.safeParse({ name: form.name, access: form.access });
  if (!parsed.success) return page(c, { error: "Give the key a name (at most 64 characters) and an access." }, 400);
  const key = await c.var.services.addKey(parsed.data);
  return page(c, { notice: `Added the key ${key.name}. Copy it now: it is stored only as a hash.`, key: key.key }, 201);
});

keyPages.post("/:id/revoke", async (c) => {
  try {
    await c.var.services.revokeKey(c.req.param("id"));
  } catch (e) {
    if (e instanceof ScimError && e.status < 500) return page(c, { error: e.detail }, e.status);
    throw e;
  }
  return c.redirect(`${c.var.ui.base}/keys?done=${encodeURIComponent("Revoked: the key stopped working.")}`, 303);
});
