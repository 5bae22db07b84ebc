import { Hono } from "hono";
import {
  ATTRIBUTE_NAME_RULE,
  defineAttribute,
  deleteAttribute,
  listAttributes,
  newAttribute,
} from "../../admin/services/attributes";
import { FieldError } from "../../admin/errors";
import { ScimError } from "../../scim/errors";
import { type ConsoleBindings, type ConsoleContext, formOf, render } from "../context";
import { Csrf, Empty, Field, Layout, Notice, RowAction, Time, describedBy } from "../ui";

export const attributePages = new Hono<ConsoleBindings>();

const EXTENSION = "urn:ietf:params:scim:schemas:extension:ivanti:2.0:User";

async function page(
  c: ConsoleContext,
  state: { name?: string; error?: string; notice?: string; pageError?: string } = {},
  status = 200,
) {
  const ui = c.var.ui;
  const attributes = await listAttributes(c.var.t.db);
  return render(
    c,
    <Layout ui={ui} title="Custom attributes" active="/attributes">
      {state.notice && <Notice kind="ok">{state.notice}</Notice>}
      {state.pageError && <Notice kind="error">{state.pageError}</Notice>}
      <p>
        Custom attributes extend every user. Entra ID maps them as <code>{EXTENSION}:&lt;name&gt;</code>, and invitation
        templates can use <code>{"${name}"}</code>.
      </p>
      <div class="grid two">
        <section class="card" aria-labelledby="defined">
          <h2 id="defined">Defined</h2>
          {attributes.length === 0 ? (
            <Empty title="No custom attributes yet">
              <p>Add one with the form; then map it in Entra's attribute mappings.</p>
            </Empty>
          ) : (
            <ul class="plain rows">
              {attributes.map((a) => (
                <li>
                  <span>
                    <strong>{a.name}</strong>{" "}
                    <span class="muted">
                      type {a.type}, added <Time at={a.created} />
                    </span>
                  </span>
                  <RowAction
                    ui={ui}
                    action={`${ui.base}/attributes/${encodeURIComponent(a.name)}/delete`}
                    verb="Delete"
                    name={a.name}
                  />
                </li>
              ))}
            </ul>
          )}
          <p class="hint">
            Deleting an attribute removes it from the SCIM schema and from templates; values already stored in users are
            kept and come back if the attribute is added again. An attribute that is the source of managed Apple IDs
            cannot be deleted.
          </p>
        </section>
        <section class="card" aria-labelledby="add">
          <h2 id="add">Add an attribute</h2>
          <form method="post" action={`${ui.base}/attributes`} class="stack">
            <Csrf ui={ui} />
            <Field id="name" label="Name" hint={`For example custAttr1: ${ATTRIBUTE_NAME_RULE}.`} error={state.error}>
              <input
                id="name"
                name="name"
                type="text"
                required
                value={state.name ?? ""}
                aria-describedby={describedBy("name", true, state.error)}
                aria-invalid={state.error ? "true" : undefined}
                autocomplete="off"
              />
            </Field>
            <button type="submit">Add attribute</button>
          </form>
        </section>
      </div>
    </Layout>,
    status,
  );
}

/** Page 5 (P18): list, add, delete. */
attributePages.get("/", (c) => {
  const added = c.req.query("added");
  const deleted = c.req.query("deleted");
  return page(c, { notice: added ? `Added ${added}.` : deleted ? `Deleted ${deleted}.` : undefined });
});

attributePages.post("/", async (c) => {
  const name = ((await formOf(c)).name ?? "").trim();
  const parsed = newAttribute.safeParse({ name });
  if (!parsed.success) return page(c, { name, error: `Use ${ATTRIBUTE_NAME_RULE}.` }, 400);
  try {
    await defineAttribute(c.var.t, parsed.data.name);
  } catch (e) {
    if (e instanceof FieldError) return page(c, { name, error: e.detail }, e.status);
    throw e;
  }
  return c.redirect(`${c.var.ui.base}/attributes?added=${encodeURIComponent(parsed.data.name)}`, 303);
});

attributePages.post("/:name/delete", async (c) => {
  const name = c.req.param("name");
  try {
    await deleteAttribute(c.var.t, name);
  } catch (e) {
    if (e instanceof ScimError && e.status < 500) return page(c, { pageError: e.detail }, e.status);
    throw e;
  }
  return c.redirect(`${c.var.ui.base}/attributes?deleted=${encodeURIComponent(name)}`, 303);
});
