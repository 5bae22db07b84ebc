import { Hono } from "hono";
import { connectFacts, mappingFor } from "../../admin/services/connect";
import { addClient } from "../../admin/services/oauth";
import { type ConsoleBindings, type ConsoleContext, render } from "../context";
import { CopyField, Layout } from "../ui";
import { connectState } from "./connect-state";
import { type Created, MappingLists, OAuthCredential, Step, TokenCredential } from "./connect-steps";

export const connectPages = new Hono<ConsoleBindings>();

/** The name the page gives the OAuth client it creates (the OAuth clients page lists it so). */
const CLIENT_NAME = "Entra ID (Connect page)";

/**
 * Connect Entra ID: the Entra admin center's steps in order, each with what to paste. The live
 * steps tick without a reload (connect.js polls `connect/status`); without script a reload shows
 * the same state, because both render connect-state.ts.
 */
async function page(c: ConsoleContext, created?: Created, status = 200) {
  const ui = c.var.ui;
  const facts = await connectFacts(c.var.t.db);
  const { steps } = connectState(facts);
  const [credential, test, provision] = steps;
  return render(
    c,
    <Layout ui={ui} title="Connect Entra ID" active="/connect">
      <p class="lead">
        Follow these steps in the Microsoft Entra admin center. This page watches for Entra and ticks each step as it
        arrives, without a reload.
      </p>
      <ol class="steps" data-status-url={`${ui.base}/connect/status`}>
        <Step n={1} id="app" title="Create the application">
          <p>
            In the <strong>Microsoft Entra admin center</strong>: Enterprise applications → <em>New application</em> →{" "}
            <em>Create your own application</em>. Name it, choose{" "}
            <em>Integrate any other application you don't find in the gallery (Non-gallery)</em>, and <em>Create</em>.
            In the new app open <em>Provisioning</em>, and set <strong>Provisioning Mode</strong> to{" "}
            <strong>Automatic</strong>.
          </p>
        </Step>
        <Step n={2} id="credential" title="Admin Credentials" state={credential}>
          <CopyField id="tenant-url" label="Tenant URL" value={c.var.services.urls.scim()} />
          <div class="grid two options">
            <OAuthCredential ui={ui} endpoint={c.var.services.urls.tokenEndpoint()} created={created} />
            <TokenCredential ui={ui} hasToken={!!facts.scimToken} created={created} />
          </div>
        </Step>
        <Step n={3} id="test" title="Test Connection" state={test}>
          <p>
            Click <strong>Test Connection</strong> in Entra, then <strong>Save</strong>. Entra looks up a random user
            name; this step ticks when that request arrives with a credential of this tenant.
          </p>
        </Step>
        <Step n={4} id="mapping" title="Attribute mapping">
          <p>
            In <em>Mappings</em>, open <em>Provision Microsoft Entra ID Users</em>. For this tenant, compared with the
            attributes it declares:
          </p>
          <MappingLists m={mappingFor(c.var.t)} />
        </Step>
        <Step n={5} id="provision" title="Assign users and groups, and start provisioning" state={provision}>
          <p>
            In <em>Users and groups</em>, add the users and groups to provision. Then, in <em>Provisioning</em>, set{" "}
            <strong>Provisioning Status</strong> to <strong>On</strong> and save. Entra's first cycle starts within
            minutes; <em>Provision on demand</em> sends one user at once.
          </p>
        </Step>
      </ol>
      <script src={ui.assets["/console/connect.js"]} defer></script>
    </Layout>,
    status,
  );
}

connectPages.get("/", (c) => page(c));

/** What connect.js polls: the live steps, worded as the page words them. Reads only (one D1 batch). */
connectPages.get("/status", async (c) => {
  c.header("Cache-Control", "no-store");
  return c.json(connectState(await connectFacts(c.var.t.db)));
});

/** Replaces the SCIM token (as the Token page does); the answer is the only place it is shown. */
connectPages.post("/token", async (c) => page(c, { token: await c.var.services.rotateScimToken() }, 201));

/** A new OAuth client (as the OAuth clients page adds one); its secret is shown once, here. */
connectPages.post("/client", async (c) => page(c, { client: await addClient(c.var.t, { name: CLIENT_NAME }) }, 201));
