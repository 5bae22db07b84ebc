import type { Context } from "hono";
import { recordRefusal } from "../../events/refusals";
import { type AdminRole, audit } from "../../events/types";
import { countFailure } from "../../http/auth-failures";
import type { LinkProblem } from "../../signin/links";
import { render } from "../context";
import { Layout, Notice, type Ui } from "../ui";
import { MicrosoftButton, type ProviderChoice, ProviderButtons } from "./microsoft-button";

const ROLE_TEXT: Record<AdminRole, string> = {
  owner: "an owner (everything, including who administers it)",
  admin: "an admin (everything but who administers it)",
  viewer: "a viewer (reads everything, changes nothing)",
};

export const SetupPage = ({
  ui,
  role,
  email,
  link,
  providers,
}: {
  ui: Ui;
  role: AdminRole;
  email: string | null;
  link: string;
  providers: ProviderChoice[];
}) => (
  <Layout ui={ui} title="Set up your access" signedIn={false}>
    <div class="card narrow stack">
      <p>
        This link makes you {ROLE_TEXT[role]} of <strong>{ui.slug}</strong>
        {email ? ` as ${email}` : ""}. Sign in with your work account to accept; the link then stops working.
      </p>
      <div class="signin-options">
        <MicrosoftButton ui={ui} link={link} />
        <ProviderButtons ui={ui} providers={providers} link={link} />
      </div>
    </div>
  </Layout>
);

const PROBLEMS: Record<LinkProblem, { status: 404 | 410; text: string }> = {
  unknown: {
    status: 404,
    text: "This setup link is not valid for this tenant. Check that you opened the whole link, or ask an owner for a new one.",
  },
  used: { status: 410, text: "This setup link was already used. Each link works once: ask an owner for a new one." },
  expired: { status: 410, text: "This setup link has expired. Ask an owner for a new one." },
};

/**
 * A link that cannot be used: a clear page, nothing changed, the refusal audited (a forged link
 * counts as a refused credential, so it is rate limited like one and cannot flood the log).
 */
export async function linkRefusal(c: Context, db: D1Database | undefined, problem: LinkProblem): Promise<Response> {
  const ui = c.get("ui") as Ui;
  const limited = problem === "unknown" && (await countFailure(c.env, c.req.raw.headers, ui.slug));
  if (db && !limited)
    await recordRefusal(db, audit("signin", "refused", "Tenant", null, { step: "setup-link", problem }));
  const { status, text } = PROBLEMS[problem];
  return render(
    c,
    <Layout ui={ui} title="Setup link refused" signedIn={false}>
      <Notice kind="error">{text}</Notice>
      <p>
        <a href={`${ui.base}/sign-in`}>Sign in</a>
      </p>
    </Layout>,
    status,
  );
}
