import { Hono } from "hono";
import {
  type MappingBody,
  type RolesPreview,
  type RolesView,
  mappingBody,
  previewRoles,
  rolesView,
  saveRoles,
} from "../../admin/services/roles";
import { ScimError } from "../../scim/errors";
import { type ConsoleBindings, type ConsoleContext, render } from "../context";
import { Layout, Notice } from "../ui";
import { PreviewTable, type RolesFormState, RolesForm, formStateFrom, formStateOf } from "./roles-form";

/** The Roles page (docs/roles.md): the tenant's roles, the rules, a preview, the recompute's progress. */
export const rolePages = new Hono<ConsoleBindings>();

const Progress = ({ view, url }: { view: RolesView; url: string }) => {
  const { pending, total } = view.recompute;
  const done = total ? Math.max(0, total - pending) : 0;
  return (
    <section class="card" aria-labelledby="recompute">
      <h2 id="recompute">Effective roles</h2>
      <div data-progress-url={pending > 0 ? url : undefined}>
        <p data-progress-text aria-live="polite">
          {pending > 0
            ? `Recomputing: ${done.toLocaleString("en")} of ${(total ?? pending).toLocaleString("en")} users done, ${pending.toLocaleString("en")} waiting.`
            : "Every user's roles are up to date."}
        </p>
        <progress
          max={Math.max(total ?? pending, 1)}
          value={pending > 0 ? done : Math.max(total ?? 1, 1)}
          aria-label="Recompute progress"
        />
      </div>
      {view.notInCatalog.length > 0 && (
        <p class="error">
          No longer in the product's catalog, granted to nobody: {view.notInCatalog.join(", ")}. Remove them and save.
        </p>
      )}
    </section>
  );
};

async function page(
  c: ConsoleContext,
  opts: { state?: RolesFormState; preview?: RolesPreview; error?: string; notice?: string } = {},
  status = 200,
) {
  const ui = c.var.ui;
  const view = await rolesView(c.var.t, c.var.services.roleCatalog());
  return render(
    c,
    <Layout ui={ui} title="Roles" active="/roles">
      {opts.notice && <Notice kind="ok">{opts.notice}</Notice>}
      {opts.error && <Notice kind="error">{opts.error}</Notice>}
      <p>
        Roles tell the MDM what to do with each user: which device policies, who is a kiosk user, who administers. Each
        user's effective roles come from the rules below, their groups and the app roles Entra sends; every change is
        sent as a <code>user.roles_changed</code> event.
      </p>
      <Progress view={view} url={`${ui.base}/roles/progress`} />
      {opts.preview && <PreviewTable view={view} preview={opts.preview} />}
      <RolesForm ui={ui} view={view} state={opts.state ?? formStateOf(view)} />
      <script src={ui.assets["/console/roles.js"]} defer></script>
    </Layout>,
    status,
  );
}

rolePages.get("/", (c) =>
  page(c, { notice: c.req.query("saved") ? "Mapping saved; the users it moves are being recomputed." : undefined }),
);

/** What roles.js polls while a recompute runs (reads only). */
rolePages.get("/progress", async (c) => {
  const view = await rolesView(c.var.t, c.var.services.roleCatalog());
  return c.json(view.recompute);
});

rolePages.post("/", async (c) => {
  const all = (await c.req.parseBody({ all: true })) as Record<string, string | string[]>;
  const { state, body } = formStateFrom(all);
  const parsed = mappingBody.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return page(c, { state, error: `Not saved: ${issue.path.join(".")}: ${issue.message}` }, 400);
  }
  const catalog = c.var.services.roleCatalog();
  try {
    if (all.intent === "preview")
      return page(c, { state, preview: await previewRoles(c.var.t, catalog, parsed.data as MappingBody) });
    await saveRoles(c.var.t, catalog, parsed.data as MappingBody);
  } catch (e) {
    if (e instanceof ScimError && e.status < 500) return page(c, { state, error: `Not saved: ${e.detail}` }, e.status);
    throw e;
  }
  return c.redirect(`${c.var.ui.base}/roles?saved=1`, 303);
});
