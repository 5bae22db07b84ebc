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
