import { Hono } from "hono";
import { listMail, mailQuery } from "../../admin/services/mail";
import { type ConsoleBindings, render } from "../context";
import { ADMIN_INVITE_PREFIX } from "../../events/types";
import { Choice, Empty, Layout, Pager, Time, href, FilterForm, userHref } from "../ui";

export const mailPages = new Hono<ConsoleBindings>();

const PAGE = 25;

/** The mail log's states (admin/services/mail.ts), labelled. */
const STATUSES = [
  ["", "Any status"],
  ["queued", "Queued"],
  ["stored", "Stored (outbox mailer)"],
  ["refused", "Refused (not one address)"],
  ["sent", "Sent"],
] as const;

/** Page 9 (P20): the invitation outbox with status. */
mailPages.get("/", async (c) => {
  const ui = c.var.ui;
  const parsed = mailQuery.safeParse({
    status: c.req.query("status") || undefined,
    offset: c.req.query("offset") || 0,
    limit: PAGE,
  });
  const q = parsed.success ? parsed.data : { status: undefined, offset: 0, limit: PAGE };
  const mail = await listMail(c.var.t.db, { ...q, limit: PAGE + 1 });
  const base = `${ui.base}/mail`;
  return render(
    c,
    <Layout ui={ui} title="Mail" active="/mail">
      <FilterForm action={base} search={false}>
        <Choice id="status" label="Status" value={q.status} options={STATUSES} />
        <button type="submit">Apply</button>
      </FilterForm>
      {mail.length === 0 ? (
        <Empty title="No invitations">
          <p>
            {c.var.t.settings.autoInvite ? (
              "Auto-invite is on: each user Entra ID creates from now on gets an invitation."
            ) : (
              <>
                Auto-invite is off. Turn it on in <a href={`${ui.base}/settings`}>Settings</a> to invite each new user.
              </>
            )}
          </p>
        </Empty>
      ) : (
        <ol class="timeline">
          {mail.slice(0, PAGE).map((m) => (
            <li>
              <details class="entry">
                <summary>
                  <Time at={m.created} /> <span class={`badge mail-${m.status}`}>{m.status}</span> {m.to} · {m.subject}
                </summary>
                <div class="entry-body">
                  <p>
                    {m.userId.startsWith(ADMIN_INVITE_PREFIX) ? (
                      <a href={`${ui.base}/admins`}>An admin's invitation</a>
                    ) : (
                      <a href={userHref(ui, m.userId)}>Open the user</a>
                    )}
                    {m.sent && (
                      <>
                        {" "}
                        · sent <Time at={m.sent} />
                      </>
                    )}
                    {m.error && <span class="error"> · {m.error}</span>}
                  </p>
                  <pre class="mail-body">{m.body}</pre>
                </div>
              </details>
            </li>
          ))}
        </ol>
      )}
      <Pager
        label="Mail pages"
        prev={q.offset > 0 ? href(base, { status: q.status, offset: Math.max(0, q.offset - PAGE) || undefined }) : null}
        next={mail.length > PAGE ? href(base, { status: q.status, offset: q.offset + PAGE }) : null}
      />
    </Layout>,
  );
});
