import type { FC } from "hono/jsx";
import type { MappingBody, RolesPreview, RolesView } from "../../admin/services/roles";
import { Csrf, DataTable, type Ui } from "../ui";

/** Blank rule rows the form offers after the saved ones (no script: a save adds more). */
export const BLANK_RULES = 3;

/** The form's state: a rule's group is shown by name (a deleted group by its id). */
export interface RolesFormState {
  used: Set<string>;
  labels: Record<string, string>;
  contains: Record<string, string[]>;
  defaultRole: string;
  rules: { precedence: string; kind: string; match: string; role: string }[];
}

export function formStateOf(view: RolesView): RolesFormState {
  return {
    used: new Set(view.catalog.filter((r) => r.used).map((r) => r.id)),
    labels: Object.fromEntries(view.catalog.map((r) => [r.id, r.label ?? ""])),
    contains: Object.fromEntries(view.catalog.map((r) => [r.id, r.contains])),
    defaultRole: view.defaultRole ?? "",
    rules: view.rules.map((r) => ({
      precedence: String(r.precedence),
      kind: r.kind,
      match: r.kind === "group" ? (r.groupName ?? r.match) : r.match,
      role: r.role,
    })),
  };
}

/** The submitted form, as the state it re-renders and the mapping body it sends. */
export function formStateFrom(all: Record<string, string | string[]>): { state: RolesFormState; body: unknown } {
  const list = (k: string) => {
    const v = all[k];
    return (Array.isArray(v) ? v : v === undefined ? [] : [v]).filter((x): x is string => typeof x === "string");
  };
  const one = (k: string) => list(k)[0] ?? "";
  const used = new Set(list("use"));
  const ruleKeys = Object.keys(all).filter((k) => /^rule\.\d+\.match$/.test(k));
  const rules = ruleKeys
    .map((k) => Number(k.split(".")[1]))
    .sort((a, b) => a - b)
    .map((i) => ({
      precedence: one(`rule.${i}.precedence`).trim(),
      kind: one(`rule.${i}.kind`),
      match: one(`rule.${i}.match`).trim(),
      role: one(`rule.${i}.role`),
    }))
    .filter((r) => r.match !== "");
  const ids = Object.keys(all)
    .filter((k) => k.startsWith("label."))
    .map((k) => k.slice("label.".length));
  const state: RolesFormState = {
    used,
    labels: Object.fromEntries(ids.map((id) => [id, one(`label.${id}`)])),
    contains: Object.fromEntries(ids.map((id) => [id, list(`contains.${id}`)])),
    defaultRole: one("defaultRole"),
    rules,
  };
  const body: MappingBody | Record<string, unknown> = {
    roles: [...used].map((id) => ({
      id,
      label: state.labels[id] || null,
      contains: (state.contains[id] ?? []).filter((c) => c !== id),
    })),
    defaultRole: state.defaultRole || null,
    rules: rules.map((r) => ({
      precedence: /^\d+$/.test(r.precedence) ? Number(r.precedence) : r.precedence,
      ...(r.kind === "appRole" ? { appRole: r.match } : { group: r.match }),
      role: r.role,
    })),
  };
  return { state, body };
}

export const RolesForm: FC<{ ui: Ui; view: RolesView; state: RolesFormState }> = ({ ui, view, state }) => {
  const rows = [
    ...state.rules,
    ...Array.from({ length: BLANK_RULES }, () => ({ precedence: "", kind: "group", match: "", role: "" })),
  ];
  const roleOptions = view.catalog.map((r) => [r.id, state.labels[r.id] || r.name] as const);
  return (
    <form method="post" action={`${ui.base}/roles`} class="stack">
      <Csrf ui={ui} />
      <section class="card" aria-labelledby="catalog">
        <h2 id="catalog">Roles the tenant uses</h2>
        <DataTable
          class="roles-table"
          caption="Roles of the product"
          region="Roles of the product"
          columns={[
            { label: "Use" },
            { label: "Role" },
            { label: "Label" },
            { label: "Contains" },
            { label: "Default" },
            { label: "Holders", class: "num" },
          ]}
        >
          {view.catalog.map((r) => (
            <tr>
              <td class="check">
                <input type="checkbox" name="use" value={r.id} id={`use-${r.id}`} checked={state.used.has(r.id)} />
              </td>
              <td class="cell-main wrap">
                <label for={`use-${r.id}`}>
                  <strong>{r.name}</strong> <code class="id">{r.id}</code>
                </label>
                <span class="sub">{r.description}</span>
              </td>
              <td data-label="Label">
                <input
                  type="text"
                  name={`label.${r.id}`}
                  value={state.labels[r.id] ?? ""}
                  maxlength={100}
                  aria-label={`Label for ${r.name}`}
                  placeholder={r.name}
                />
              </td>
              <td data-label="Contains">
                <fieldset class="inline">
                  <legend class="sr-only">Roles {r.name} contains</legend>
                  {view.catalog
                    .filter((o) => o.id !== r.id)
                    .map((o) => (
                      <label class="inline">
                        <input
                          type="checkbox"
                          name={`contains.${r.id}`}
                          value={o.id}
                          checked={(state.contains[r.id] ?? []).includes(o.id)}
                        />{" "}
                        {o.id}
                      </label>
                    ))}
                </fieldset>
              </td>
              <td class="check" data-label="Default">
                <input
                  type="radio"
                  name="defaultRole"
                  value={r.id}
                  checked={state.defaultRole === r.id}
                  aria-label={`${r.name} is the default role`}
                />
              </td>
              <td class="num" data-label="Holders">
                {r.holders.toLocaleString("en")}
              </td>
            </tr>
          ))}
        </DataTable>
        <p class="hint">
          <label class="inline">
            <input type="radio" name="defaultRole" value="" checked={state.defaultRole === ""} /> No default role
          </label>{" "}
          · The default role goes to every active user no rule matches. A role that contains others grants them too.
        </p>
      </section>
      <section class="card" aria-labelledby="rules">
        <h2 id="rules">Rules</h2>
        <p class="hint">
          Every matching rule grants its role; the matching rule with the lowest precedence gives the user's primary
          role. A group is named by its name (stored by id, so a rename keeps the rule); an app role by the value Entra
          sends in <code>roles</code>. Leave a row's match empty to remove it.
        </p>
        <DataTable
          class="rules-table"
          caption="Rules, in precedence order"
          region="Rules, in precedence order"
          columns={[{ label: "Precedence" }, { label: "Kind" }, { label: "Group or app role" }, { label: "Role" }]}
        >
          {rows.map((r, i) => (
            <tr>
              <td data-label="Precedence">
                <input
                  type="number"
                  min={1}
                  name={`rule.${i}.precedence`}
                  value={r.precedence}
                  aria-label={`Rule ${i + 1} precedence`}
                  class="prec"
                />
              </td>
              <td data-label="Kind">
                <select name={`rule.${i}.kind`} aria-label={`Rule ${i + 1} kind`}>
                  <option value="group" selected={r.kind !== "appRole"}>
                    Group
                  </option>
                  <option value="appRole" selected={r.kind === "appRole"}>
                    App role
                  </option>
                </select>
              </td>
              <td data-label="Group or app role">
                <input
                  type="text"
                  name={`rule.${i}.match`}
                  value={r.match}
                  maxlength={256}
                  aria-label={`Rule ${i + 1} group or app role`}
                />
              </td>
              <td data-label="Role">
                <select name={`rule.${i}.role`} aria-label={`Rule ${i + 1} role`}>
                  {roleOptions.map(([v, l]) => (
                    <option value={v} selected={r.role === v}>
                      {l}
                    </option>
                  ))}
                </select>
              </td>
            </tr>
          ))}
        </DataTable>
      </section>
      <div class="actions">
        <button type="submit" name="intent" value="preview" class="secondary">
          Preview changes
        </button>
        <button type="submit" name="intent" value="save">
          Save mapping
        </button>
        <span class="hint">Saving recomputes the users the change can move, in the background.</span>
      </div>
    </form>
  );
};

export const PreviewTable: FC<{ view: RolesView; preview: RolesPreview }> = ({ view, preview }) => (
  <section class="card" aria-labelledby="preview">
    <h2 id="preview">Preview: not saved yet</h2>
    <p>Of {preview.users.toLocaleString("en")} users, if you save this mapping:</p>
    <DataTable
      caption="Users who would gain and lose each role"
      wrap={false}
      columns={[
        { label: "Role" },
        { label: "Gain", class: "num" },
        { label: "Lose", class: "num" },
        { label: "Holders after", class: "num" },
      ]}
    >
      {preview.roles.map((r) => (
        <tr>
          <td>{view.catalog.find((c) => c.id === r.id)?.name ?? r.id}</td>
          <td class="num">{r.gain.toLocaleString("en")}</td>
          <td class="num">{r.lose.toLocaleString("en")}</td>
          <td class="num">{r.holders.toLocaleString("en")}</td>
        </tr>
      ))}
    </DataTable>
  </section>
);
