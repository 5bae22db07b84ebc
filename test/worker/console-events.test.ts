/**
 * The console's Events page actions: each a form post with the session's CSRF token
 * through the admin API's services, each answered with what happened; refusals change nothing.
 */
import { describe, expect, inject, it } from "vitest";
import { newWebhookSecret } from "../../src/webhooks/sign";
import { consoleSession, text } from "./console-helpers";
import { adminClient, tenantDb } from "./helpers";

const TENANT = "globex";
const { session, post, get } = consoleSession(TENANT);

/**
 * An endpoint on the tests' loopback JWKS host, which answers a POST with 404: a real receiver's
 * real answer. Written as `addWebhook` writes it on a local run that allows loopback http.
 */
async function loopbackEndpoint(tenant = TENANT, format: "json" | "set" = "json") {
  const id = crypto.randomUUID();
  const url = `${inject("jwksServerUrl")}/hook/${id}`;
  await tenantDb(tenant)
    .prepare(
      "INSERT INTO webhooks (id, url, format, events, secret, issuer, created) VALUES (?1, ?2, ?3, NULL, ?4, ?5, ?6)",
    )
    .bind(id, url, format, format === "json" ? newWebhookSecret() : null, "https://scim.test", new Date().toISOString())
    .run();
  return { id, url };
}

const endpointExists = async (id: string, tenant = TENANT) =>
  !!(await tenantDb(tenant).prepare("SELECT 1 AS x FROM webhooks WHERE id = ?1").bind(id).first());

describe("console: the Events page's actions", () => {
  it("sends a test event and shows its outcome, and the attempt joins the recent deliveries", async () => {
    const s = await session();
    const { id, url } = await loopbackEndpoint();
    const page = await text(await get(s, "/events"));
    expect(page).toContain("Send a test event");
    expect(page).toContain("Issue a poll token");
    expect(page).toContain("Delete…");
    const res = await post(s, `/events/${id}/test`);
    expect(res.status).toBe(200);
    const shown = await text(res);
    // Saved as a local run allows (loopback http), sent where that exception is off: the URL is
    // checked again before the send, so nothing is sent, and the page and the attempt say why.
    expect(shown).toContain(`Test event to ${url} not sent: url must use https.`);
    expect(shown).toMatch(/test event · no answer · 0 ms · not sent: url must use https\./);
  });

  it("issues a poll token shown once, then revokes it after asking", async () => {
    const s = await session();
    const { id } = await loopbackEndpoint();
    const issued = await post(s, `/events/${id}/poll-tokens`);
    expect(issued.status).toBe(200);
    const html = await issued.text();
    expect(html).toContain("Shown once: copy the token now.");
    const value = /id="poll-token"[^>]*value="([^"]+)"/.exec(html)?.[1] ?? "";
    expect(value.length).toBeGreaterThan(20);
    const rows = await tenantDb(TENANT)
      .prepare("SELECT id, hash FROM poll_tokens WHERE webhook_id = ?1 AND revoked IS NULL")
      .bind(id)
      .all<{ id: string; hash: string }>();
    expect(rows.results).toHaveLength(1);
    expect(JSON.stringify(rows.results)).not.toContain(value);
    // Shown once: the page after it lists the token's id, never the token.
    const later = await get(s, "/events");
    const laterHtml = await later.text();
    expect(laterHtml).toContain(rows.results[0].id);
    expect(laterHtml).not.toContain(value);
    const tokenId = rows.results[0].id;
    const ask = await post(s, `/events/${id}/poll-tokens/${tokenId}/revoke`);
    expect(ask.status).toBe(200);
    expect(await text(ask)).toContain(`Revoke poll token ${tokenId}`);
    expect(
      await tenantDb(TENANT).prepare("SELECT revoked FROM poll_tokens WHERE id = ?1").bind(tokenId).first("revoked"),
    ).toBeNull();
    const done = await post(s, `/events/${id}/poll-tokens/${tokenId}/revoke`, { confirm: "yes" });
    expect(done.status).toBe(303);
    const after = await text(await get(s, done.headers.get("Location")!.replace(`/t/${TENANT}/admin`, "")));
    expect(after).toContain(`Poll token ${tokenId} revoked`);
    expect(
      await tenantDb(TENANT).prepare("SELECT revoked FROM poll_tokens WHERE id = ?1").bind(tokenId).first("revoked"),
    ).not.toBeNull();
  });

  it("deletes an endpoint only after a confirmation that names it", async () => {
    const s = await session();
    const { id, url } = await loopbackEndpoint();
    const ask = await post(s, `/events/${id}/delete`);
    expect(ask.status).toBe(200);
    const asked = await text(ask);
    expect(asked).toContain(`Delete ${url}`);
    expect(asked).toContain("Nothing more is sent to it; its poll tokens stop working.");
    expect(asked).toContain("Delete the endpoint");
    expect(await endpointExists(id)).toBe(true);
    const done = await post(s, `/events/${id}/delete`, { confirm: "yes" });
    expect(done.status).toBe(303);
    expect(await endpointExists(id)).toBe(false);
    const after = await text(await get(s, done.headers.get("Location")!.replace(`/t/${TENANT}/admin`, "")));
    expect(after).toContain(`Endpoint ${url} deleted`);
  });

  it("rotates the signing key; the SET and JWKS line shows only once an endpoint uses SET", async () => {
    const s = await session();
    const before = await text(await get(s, "/events"));
    const { results } = await tenantDb(TENANT).prepare("SELECT format FROM webhooks").all<{ format: string }>();
    if (!results.some((r) => r.format === "set")) expect(before).not.toContain("Security Event Token");
    await loopbackEndpoint(TENANT, "set");
    const res = await post(s, "/events/keys/rotate");
    expect(res.status).toBe(303);
    const kid = await tenantDb(TENANT)
      .prepare("SELECT kid FROM signing_keys WHERE retired_at IS NULL")
      .first<string>("kid");
    expect(res.headers.get("Location")).toContain(encodeURIComponent(kid!));
    const page = await text(await get(s, res.headers.get("Location")!.replace(`/t/${TENANT}/admin`, "")));
    expect(page).toContain(`Signing key rotated: ${kid} signs from now on`);
    expect(page).toContain("SET (Security Event Token)");
    expect(page).toContain("JWKS (JSON Web Key Set)");
    expect(page).toMatch(new RegExp(`${kid} signs now`));
  });

  it("says which URLs the add form takes: https only where loopback http is not allowed", async () => {
    const s = await session();
    const page = await text(await get(s, "/events"));
    expect(page).toContain("https only, on a public host; redirects are not followed.");
    expect(page).not.toContain("local run");
  });
});

describe("console: the Events page's refusals change nothing", () => {
  it("another tenant's endpoint id is a 404 on the page, for every action", async () => {
    const s = await session();
    const theirs = await loopbackEndpoint("acme");
    const theirToken = await (await adminClient("acme")).post(`/webhooks/${theirs.id}/poll-tokens`);
    const { id: tokenId } = (await theirToken.json()) as { id: string };
    for (const path of [
      `/events/${theirs.id}/test`,
      `/events/${theirs.id}/poll-tokens`,
      `/events/${theirs.id}/delete`,
      `/events/${theirs.id}/poll-tokens/${tokenId}/revoke`,
    ]) {
      const res = await post(s, path, { confirm: "yes" });
      expect(res.status, path).toBe(404);
      expect(await text(res), path).toContain(`No event endpoint ${theirs.id}.`);
    }
    expect(await endpointExists(theirs.id, "acme")).toBe(true);
    const tokens = await tenantDb("acme")
      .prepare("SELECT count(*) AS n FROM poll_tokens WHERE webhook_id = ?1 AND revoked IS NULL")
      .bind(theirs.id)
      .first<number>("n");
    expect(tokens).toBe(1);
    const attempts = await tenantDb("acme")
      .prepare("SELECT count(*) AS n FROM webhook_attempts WHERE webhook_id = ?1")
      .bind(theirs.id)
      .first<number>("n");
    expect(attempts).toBe(0);
  });

  it("a form without the session's CSRF token is refused with 403", async () => {
    const s = await session();
    const { id } = await loopbackEndpoint();
    const kid = () => tenantDb(TENANT).prepare("SELECT kid FROM signing_keys WHERE retired_at IS NULL").first("kid");
    const before = await kid();
    for (const path of [
      `/events/${id}/delete`,
      `/events/${id}/poll-tokens`,
      `/events/${id}/test`,
      "/events/keys/rotate",
    ]) {
      const res = await post(s, path, { confirm: "yes" }, false);
      expect(res.status, path).toBe(403);
      expect(await res.text()).toContain("This form has expired. Reload the page and try again.");
    }
    expect(await endpointExists(id)).toBe(true);
    expect(await kid()).toBe(before);
    const counts = await tenantDb(TENANT)
      .prepare(
        "SELECT (SELECT count(*) FROM poll_tokens WHERE webhook_id = ?1) AS tokens, (SELECT count(*) FROM webhook_attempts WHERE webhook_id = ?1) AS attempts",
      )
      .bind(id)
      .first();
    expect(counts).toEqual({ tokens: 0, attempts: 0 });
  });
});
