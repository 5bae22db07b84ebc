import { Hono } from "hono";
import { FieldError } from "../../admin/errors";
import {
  BUILT_IN_VARIABLES,
  type Settings,
  checkSettings,
  previewInvitation,
  settingsPatch,
  updateSettings,
} from "../../admin/services/settings";
import { listUsers, userByName } from "../../admin/services/users";
import { type ConsoleBindings, type ConsoleContext, formOf, render } from "../context";
import { Choice, Csrf, Field, Layout, Notice, describedBy } from "../ui";
import {
  SCIM_FIELD_WORDS,
  ScimBehaviourFields,
  type ScimForm,
  scimFormFromBody,
  scimFormOf,
  scimPatchOf,
} from "./settings-scim";

export const settingsPages = new Hono<ConsoleBindings>();

type Form = ScimForm & {
  autoInvite: boolean;
  mode: string;
  attribute: string;
  inviteSubject: string;
  inviteBody: string;
  previewUser: string;
  /** Days events are kept for the RFC 8936 poll, as typed. */
  eventRetentionDays: string;
};
type Preview = { userName: string; subject: string; body: string } | null;

const formFromSettings = (s: Settings, previewUser = ""): Form => ({
  autoInvite: s.autoInvite,
  mode: s.managedAppleId.mode,
  attribute: s.managedAppleId.mode === "attribute" ? s.managedAppleId.attribute : "",
  inviteSubject: s.inviteSubject,
  inviteBody: s.inviteBody,
  previewUser,
  eventRetentionDays: String(s.eventRetentionDays),
  ...scimFormOf(s),
});

const patchFromForm = (f: Form) => ({
  ...scimPatchOf(f),
  autoInvite: f.autoInvite,
  managedAppleId: f.mode === "attribute" ? { mode: "attribute", attribute: f.attribute } : { mode: f.mode },
  inviteSubject: f.inviteSubject,
  inviteBody: f.inviteBody,
  // Left out when the form had no such field (a page opened before it existed): the stored value stays.
  ...(f.eventRetentionDays === ""
    ? {}
    : {
        eventRetentionDays: /^\d{1,4}$/.test(f.eventRetentionDays)
          ? Number(f.eventRetentionDays)
          : f.eventRetentionDays,
      }),
});

/** The invitation for the chosen user (by userName), or the first user when none is chosen. */
async function preview(c: ConsoleContext, f: Form): Promise<{ preview: Preview; error?: string }> {
  const db = c.var.t.db;
  const row = f.previewUser ? await userByName(db, f.previewUser) : null;
  if (f.previewUser && !row) return { preview: null, error: `No user "${f.previewUser}".` };
  const id = row?.id ?? (await listUsers(db, { sort: "userName", order: "asc", limit: 1, offset: 0 })).users[0]?.id;
  if (!id) return { preview: null };
  return { preview: await previewInvitation(db, id, f) };
}

async function page(
  c: ConsoleContext,
  f: Form,
  state: { errors?: Record<string, string>; notice?: string } = {},
  status = 200,
) {
  const ui = c.var.ui;
  const t = c.var.t;
  const errors = { ...state.errors };
  const p = errors.inviteSubject || errors.inviteBody ? { preview: null } : await preview(c, f);
  if (p.error) errors.previewUser = p.error;
  const vars = [...BUILT_IN_VARIABLES, ...t.customAttributes];
  return render(
    c,
    <Layout ui={ui} title="Settings" active="/settings">
      {state.notice && <Notice kind="ok">{state.notice}</Notice>}
      {Object.keys(errors).length > 0 && <Notice kind="error">Nothing was saved: see the fields marked below.</Notice>}
      <form method="post" action={`${ui.base}/settings`} class="settings" data-preview="preview">
        <Csrf ui={ui} />
        <div class="grid two">
          <section class="card stack" aria-labelledby="provisioning">
            <h2 id="provisioning">Provisioning</h2>
            <div class="field check-field">
              <input
                id="autoInvite"
                name="autoInvite"
                type="checkbox"
                value="on"
                checked={f.autoInvite}
                aria-describedby="autoInvite-hint"
              />
              <label for="autoInvite">Invite new users automatically</label>
              <p class="hint" id="autoInvite-hint">
                Each user Entra ID creates gets one invitation, rendered from the templates below.
              </p>
            </div>
            <Choice
              id="mode"
              label="Managed Apple ID"
              value={f.mode}
              error={errors.managedAppleId}
              hint="Where each user's managed Apple ID comes from."
              options={[
                ["off", "Off"],
                ["email", "The user's email"],
                ["email-appleid", "The email with an appleid subdomain"],
                ["attribute", "A custom attribute"],
              ]}
            />
            <Field
              id="attribute"
              label="Custom attribute for managed Apple IDs"
              hint="Used when the mode is “A custom attribute”."
            >
              <select id="attribute" name="attribute" aria-describedby="attribute-hint">
                <option value="">None</option>
                {t.customAttributes.map((a) => (
                  <option value={a} selected={f.attribute.toLowerCase() === a.toLowerCase()}>
                    {a}
                  </option>
                ))}
              </select>
            </Field>
            <Field
              id="eventRetentionDays"
              label="Keep events for (days)"
              error={errors.eventRetentionDays}
              hint="Event endpoints' receivers can read events again with the poll for this long: 1 to 90 days."
            >
              <input
                id="eventRetentionDays"
                name="eventRetentionDays"
                type="number"
                inputmode="numeric"
                min={1}
                max={90}
                required
                value={f.eventRetentionDays}
                aria-describedby={describedBy("eventRetentionDays", true, errors.eventRetentionDays)}
                aria-invalid={errors.eventRetentionDays ? "true" : undefined}
              />
            </Field>
          </section>
          <section class="card stack" aria-labelledby="invitation">
            <h2 id="invitation">Invitation</h2>
            <Field id="inviteSubject" label="Subject" error={errors.inviteSubject}>
              <input
                id="inviteSubject"
                name="inviteSubject"
                type="text"
                required
                maxlength={200}
                value={f.inviteSubject}
                aria-describedby={describedBy("inviteSubject", false, errors.inviteSubject)}
                aria-invalid={errors.inviteSubject ? "true" : undefined}
              />
            </Field>
            <Field id="inviteBody" label="Body" error={errors.inviteBody}>
              <textarea
                id="inviteBody"
                name="inviteBody"
                rows={8}
                required
                maxlength={10000}
                aria-describedby={describedBy("inviteBody", false, errors.inviteBody)}
                aria-invalid={errors.inviteBody ? "true" : undefined}
              >
                {f.inviteBody}
              </textarea>
            </Field>
            <div class="vars">
              <p id="vars-label">Variables:</p>
              <ul aria-labelledby="vars-label">
                {vars.map((v) => (
                  <li>
                    <code>{"${" + v + "}"}</code>
                  </li>
                ))}
              </ul>
            </div>
          </section>
        </div>
        <section class="card" aria-labelledby="preview-title">
          <h2 id="preview-title">Preview</h2>
          <Field
            id="previewUser"
            label="Render for user (userName)"
            error={errors.previewUser}
            hint="Empty: the first user by userName."
          >
            <input
              id="previewUser"
              name="previewUser"
              type="text"
              value={f.previewUser}
              autocomplete="off"
              aria-describedby={describedBy("previewUser", true, errors.previewUser)}
              aria-invalid={errors.previewUser ? "true" : undefined}
            />
          </Field>
          <div id="preview" class="preview" aria-live="polite">
            {p.preview ? (
              <>
                <p class="muted">For {p.preview.userName}:</p>
                <p class="mail-subject">{p.preview.subject}</p>
                <pre class="mail-body">{p.preview.body}</pre>
              </>
            ) : (
              <p class="muted">
                {errors.inviteSubject || errors.inviteBody
                  ? "Fix the template to see the preview."
                  : "No user to render the invitation for yet."}
              </p>
            )}
          </div>
        </section>
        <ScimBehaviourFields f={f} errors={errors} />
        <div class="actions">
          <button type="submit" name="action" value="save">
            Save settings
          </button>
          <button type="submit" name="action" value="preview" class="secondary">
            Preview without saving
          </button>
        </div>
      </form>
    </Layout>,
    status,
  );
}

/** What a refused field says beside it, in the admin's words rather than the schema's. */
const FIELD_WORDS: Record<string, string> = {
  managedAppleId: "Choose how the managed Apple ID is made; with an attribute, choose the attribute.",
  inviteSubject: "Give a subject of 1 to 200 characters.",
  inviteBody: "Give a body of 1 to 10,000 characters.",
  eventRetentionDays: "Give a whole number of days from 1 to 90.",
  ...SCIM_FIELD_WORDS,
};

/** Page 6 (P20-P22): auto-invite, managed Apple ID, the templates with a live preview. */
settingsPages.get("/", (c) =>
  page(c, formFromSettings(c.var.t.settings), { notice: c.req.query("saved") ? "Settings saved." : undefined }),
);

settingsPages.post("/", async (c) => {
  const body = await formOf(c);
  const f: Form = {
    autoInvite: body.autoInvite === "on",
    mode: body.mode ?? "off",
    attribute: body.attribute ?? "",
    inviteSubject: body.inviteSubject ?? "",
    inviteBody: (body.inviteBody ?? "").replace(/\r\n/g, "\n"),
    previewUser: (body.previewUser ?? "").trim(),
    eventRetentionDays: (body.eventRetentionDays ?? "").trim(),
    ...scimFormFromBody(body),
  };
  const parsed = settingsPatch.safeParse(patchFromForm(f));
  if (!parsed.success) {
    const errors: Record<string, string> = {};
    for (const i of parsed.error.issues) {
      const field = String(i.path[0]);
      errors[field] ??= FIELD_WORDS[field] ?? `${field}: ${i.message}`;
    }
    return page(c, f, { errors }, 400);
  }
  const patch = parsed.data as Partial<Settings>;
  try {
    if (body.action === "preview") {
      checkSettings(c.var.t, { ...c.var.t.settings, ...patch }, patch);
      return page(c, f);
    }
    await updateSettings(c.var.t, patch);
  } catch (e) {
    if (e instanceof FieldError) return page(c, f, { errors: { [e.field]: e.detail } }, e.status);
    throw e;
  }
  return c.redirect(`${c.var.ui.base}/settings?saved=1`, 303);
});
