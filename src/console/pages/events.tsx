import { Hono } from "hono";
import { FieldError } from "../../admin/errors";
import { issuePollToken, listPollTokens, revokePollToken } from "../../admin/services/poll-tokens";
import { deleteWebhook, getWebhook, newWebhook, rotateJwks } from "../../admin/services/webhooks";
import { ScimError } from "../../scim/errors";
import { redactedUrl } from "../../webhooks/redact";
import { type ConsoleBindings, type ConsoleContext, formOf, formValues, render } from "../context";
import { ConfirmForm, Layout, counted, href } from "../ui";
import { endpointAction } from "./events-endpoint";
import type { EndpointFormState } from "./events-form";
import { eventsPage } from "./events-page";

/**
 * The Events page and its actions, each a form post through the admin API's services: add, send
 * a test event, issue and revoke poll tokens, delete (asks first), rotate the signing key. An
 * unknown endpoint (another tenant's id included: each tenant has its own database) is a 404 on
 * the page, and changes nothing.
 */
export const eventPages = new Hono<ConsoleBindings>();

/** Query parameters the redirects after an action carry, and what the page says for each. */
const DONE: Record<string, (v: string) => string> = {
  deleted: (v) => `Endpoint ${v} deleted: nothing more is sent to it.`,
  revoked: (v) => `Poll token ${v} revoked: a receiver polling with it is refused from now on.`,
  rotated: (v) => `Signing key rotated: ${v} signs from now on; the previous key stays published for a day.`,
};

eventPages.get("/", (c) => {
  const done = Object.entries(DONE).find(([k]) => c.req.query(k));
  return eventsPage(c, done ? { done: done[1](c.req.query(done[0])!.slice(0, 200)) } : {});
});

eventPages.post("/", async (c) => {
  const form = await formOf(c);
  const events = await formValues(c, "events");
  const state: EndpointFormState = { url: (form.url ?? "").trim(), format: form.format ?? "", events };
  const parsed = newWebhook.safeParse({ url: state.url, format: state.format, ...(events.length ? { events } : {}) });
  if (!parsed.success) {
    const words: Record<string, string> = {
      url: "Give the endpoint's URL (https).",
      format: "Choose JSON or SET.",
      events: "Tick only event types from the list.",
    };
    const errors: Record<string, string> = {};
    for (const i of parsed.error.issues) {
      const key = String(i.path[0] ?? "url");
      errors[key] ??= words[key] ?? i.message;
    }
    return eventsPage(c, { form: { ...state, errors } }, 400);
  }
  try {
    const added = await c.var.services.addWebhook(parsed.data);
    return eventsPage(c, { added });
  } catch (e) {
    if (e instanceof FieldError)
      return eventsPage(c, { form: { ...state, errors: { [e.field]: e.detail } } }, e.status);
    if (e instanceof ScimError && e.status < 500) return eventsPage(c, { form: state, pageError: e.detail }, e.status);
    throw e;
  }
});

/** A refusal of the service (no such endpoint, too many tokens) shown on the page, with its status. */
async function refusedOr(c: ConsoleContext, action: () => Promise<Response>): Promise<Response> {
  try {
    return await action();
  } catch (e) {
    if (e instanceof ScimError && e.status < 500) return eventsPage(c, { pageError: e.detail }, e.status);
    throw e;
  }
}

const eventsUrl = (c: ConsoleContext, done: Record<string, string>) => href(`${c.var.ui.base}/events`, done);

eventPages.post("/:id/test", (c) =>
  refusedOr(c, async () => {
    const hook = await getWebhook(c.var.t.db, c.req.param("id"));
    const attempt = await c.var.services.testWebhook(hook.id);
    return eventsPage(c, { tested: { url: redactedUrl(hook.url), ...attempt } });
  }),
);

eventPages.post("/:id/poll-tokens", (c) =>
  refusedOr(c, async () => {
    const hook = await getWebhook(c.var.t.db, c.req.param("id"));
    const issued = await issuePollToken(c.var.t, hook.id);
    return eventsPage(c, { issued: { url: redactedUrl(hook.url), id: issued.id, token: issued.token } });
  }),
);

/** Step 1 names the token and asks; step 2 (`confirm`) revokes it. */
eventPages.post("/:id/poll-tokens/:tokenId/revoke", (c) =>
  refusedOr(c, async () => {
    const ui = c.var.ui;
    const hook = await getWebhook(c.var.t.db, c.req.param("id"));
    const tokenId = c.req.param("tokenId");
    const token = (await listPollTokens(c.var.t.db, hook.id)).find((t) => t.id === tokenId && !t.revoked);
    if (!token) return eventsPage(c, { pageError: `No current poll token ${tokenId.slice(0, 100)}.` }, 404);
    if ((await formOf(c)).confirm === "yes") {
      await revokePollToken(c.var.t, hook.id, token.id);
      return c.redirect(eventsUrl(c, { revoked: token.id }), 303);
    }
    return render(
      c,
      <Layout ui={ui} title="Revoke a poll token" active="/events">
        <ConfirmForm
          ui={ui}
          action={endpointAction(ui, hook.id, `poll-tokens/${encodeURIComponent(token.id)}/revoke`)}
          confirm="Revoke the poll token"
          cancel={`${ui.base}/events`}
        >
          <p class="wrap">
            Revoke poll token <code>{token.id}</code> of <strong>{redactedUrl(hook.url)}</strong>? A receiver polling
            with it is refused at once; it needs a new token to read this endpoint's events.
          </p>
        </ConfirmForm>
      </Layout>,
    );
  }),
);

/** Step 1 names the endpoint and says what goes with it; step 2 (`confirm`) deletes it. */
eventPages.post("/:id/delete", (c) =>
  refusedOr(c, async () => {
    const ui = c.var.ui;
    const hook = await getWebhook(c.var.t.db, c.req.param("id"));
    const url = redactedUrl(hook.url);
    if ((await formOf(c)).confirm === "yes") {
      await deleteWebhook(c.var.t, hook.id);
      return c.redirect(eventsUrl(c, { deleted: url }), 303);
    }
    return render(
      c,
      <Layout ui={ui} title="Delete an event endpoint" active="/events">
        <ConfirmForm
          ui={ui}
          action={endpointAction(ui, hook.id, "delete")}
          confirm="Delete the endpoint"
          cancel={`${ui.base}/events`}
        >
          <p class="wrap">
            Delete <strong>{url}</strong>? Nothing more is sent to it
            {hook.pending ? ` (${counted(hook.pending, "waiting event")} dropped)` : ""}; its poll tokens stop working.
            Adding the same URL again later gives it a new secret.
          </p>
        </ConfirmForm>
      </Layout>,
    );
  }),
);

eventPages.post("/keys/rotate", async (c) => {
  const { kid } = await rotateJwks(c.var.t, c.var.services.sealer());
  return c.redirect(eventsUrl(c, { rotated: kid }), 303);
});
