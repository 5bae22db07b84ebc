import { MICROSOFT } from "../../signin/providers";
import type { Ui } from "../ui";

/** Microsoft's button, as its branding asks: the four-square logo and "Sign in with Microsoft". */
export const MicrosoftButton = ({ ui, link }: { ui: Ui; link?: string }) => (
  <form method="post" action={`${ui.base}/sign-in/start`}>
    <input type="hidden" name="provider" value={MICROSOFT} />
    {link && <input type="hidden" name="link" value={link} />}
    <button type="submit" class="ms-signin">
      <img src={ui.assets["/console/microsoft.svg"]} alt="" width="21" height="21" />
      Sign in with Microsoft
    </button>
  </form>
);

export interface ProviderChoice {
  id: string;
  name: string;
}

/** A tenant's own OpenID provider (docs/people.md), one button each. */
export const ProviderButtons = ({ ui, providers, link }: { ui: Ui; providers: ProviderChoice[]; link?: string }) => (
  <>
    {providers.map((p) => (
      <form method="post" action={`${ui.base}/sign-in/start`}>
        <input type="hidden" name="provider" value={p.id} />
        {link && <input type="hidden" name="link" value={link} />}
        <button type="submit" class="secondary">{`Sign in with ${p.name}`}</button>
      </form>
    ))}
  </>
);

/**
 * The tenant's own providers, read before anyone signed in: one small read of a short table
 * (a tenant with providers can be told from an unknown slug by its sign-in page, which is accepted).
 */
export const providerChoices = async (db: D1Database | undefined): Promise<ProviderChoice[]> =>
  db
    ? (await db.prepare("SELECT id, name FROM signin_providers ORDER BY name LIMIT 10").all<ProviderChoice>()).results
    : [];
