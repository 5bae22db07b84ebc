import { Hono } from "hono";
import { overview } from "../../admin/services/overview";
import { type ConsoleBindings, render } from "../context";
import { CopyField, Csrf, Layout, Notice, Time } from "../ui";

export const tokenPages = new Hono<ConsoleBindings>();

/** Page 7 (P2): generate the SCIM token; the answer is the only place it is ever shown. */
tokenPages.get("/", async (c) => {
  const ui = c.var.ui;
  const current = (await overview(c.var.t.db)).tokens.find((t) => t.scope === "scim");
  return render(
    c,
    <Layout ui={ui} title="Token" active="/token">
      <section class="card narrow stack" aria-labelledby="scim-token">
        <h2 id="scim-token">SCIM token (Entra's Secret Token)</h2>
        <p>
          {current ? (
            <>
              The current token was created <Time at={current.created} />.
            </>
          ) : (
            "This tenant has no SCIM token yet."
          )}
        </p>
        <Notice kind="warn">
          Generating a new token stops the current one at once: Entra ID's provisioning fails until you paste the new
          token into its Admin Credentials.
        </Notice>
        <form method="post" action={`${ui.base}/token`}>
          <Csrf ui={ui} />
          <button type="submit" class="danger">
            Generate a new SCIM token
          </button>
        </form>
      </section>
    </Layout>,
  );
});

tokenPages.post("/", async (c) => {
  const ui = c.var.ui;
  const token = await c.var.services.rotateScimToken();
  const tenantUrl = c.var.services.urls.scim();
  return render(
    c,
    <Layout ui={ui} title="Token" active="/token">
      <section class="card narrow stack" aria-labelledby="new-token">
        <h2 id="new-token">Your new SCIM token</h2>
        <Notice kind="warn">
          Shown once: copy it now. The previous token no longer works. Paste this one into Entra ID (Provisioning →
          Admin Credentials → Secret Token) and run Test Connection.
        </Notice>
        <CopyField id="new-scim-token" label="Secret Token" value={token} />
        <CopyField id="tenant-url" label="Tenant URL" value={tenantUrl} />
        <p>
          <a href={`${ui.base}/`}>Done</a>
        </p>
      </section>
    </Layout>,
    201 as 200,
  );
});
