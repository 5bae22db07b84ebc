import { describe, expect, it } from "vitest";
import type { ConnectionFacts } from "../../src/admin/services/connect";
import { connectState } from "../../src/console/pages/connect-state";

/** A tenant as the status route's one batch sees it (activity/connection.ts), with `over` changed. */
const facts = (over: Partial<ConnectionFacts> = {}): ConnectionFacts => ({
  scimToken: { id: "t2", created: "2026-12-07T10:00:00.000Z", lastRequest: null },
  oauth: { clients: 0, federations: 0, lastTokenRequest: null },
  lastRequest: null,
  refused: [],
  provisioned: { users: 0, groups: 0 },
  ...over,
});
const step = (f: ConnectionFacts, id: string) => connectState(f).steps.find((s) => s.id === id)!;

describe("the Connect page's live steps", () => {
  it("waits, with nothing to tick, while nothing has arrived; polling stays on", () => {
    const state = connectState(facts({ scimToken: null }));
    expect(state.open).toBe(true);
    expect(state.steps.map((s) => [s.id, s.done])).toEqual([
      ["credential", false],
      ["test", false],
      ["provision", false],
    ]);
    expect(step(facts({ scimToken: null }), "credential").text).toBe("No credential yet: create one below.");
  });

  it("does not tick for a request made with a replaced token, and names the refusals of the old one", () => {
    const f = facts({
      lastRequest: "2026-12-07T09:00:00.000Z",
      refused: [{ reason: "revoked", count: 3, at: "2026-12-07T10:05:00.000Z" }],
    });
    const test = step(f, "test");
    expect(test.done).toBe(false);
    expect(test.text).toBe(
      "A SCIM request arrived at 2026-12-07 09:00:00 UTC with a credential that is no longer current. Waiting for Entra's Test Connection with the current one…",
    );
    expect(test.warning).toBe(
      "Entra tried with a token that no longer works (it was replaced): 3 requests refused, the last reported at 2026-12-07 10:05:00 UTC. Paste the current credential into Entra's Admin Credentials, or create a new one above.",
    );
  });

  it("ignores refusals older than the last good request, and any once the step is done", () => {
    const old = facts({
      lastRequest: "2026-12-07T11:00:00.000Z",
      refused: [{ reason: "unknown", count: 1, at: "2026-12-07T10:00:00.000Z" }],
    });
    expect(step(old, "test").warning).toBeUndefined();
    const done = facts({
      oauth: { clients: 1, federations: 0, lastTokenRequest: "2026-12-07T10:00:00.000Z" },
      refused: [{ reason: "unknown", count: 1, at: "2026-12-07T10:30:00.000Z" }],
    });
    expect(step(done, "test").done).toBe(true);
    expect(step(done, "test").warning).toBeUndefined();
  });

  it("names the newer of the SCIM request and the token request", () => {
    const f = facts({
      scimToken: {
        id: "t2",
        created: "2026-12-07T10:00:00.000Z",
        lastRequest: { at: "2026-12-07T10:01:00.000Z", method: "GET", path: "/Users", userName: "x", status: 200 },
      },
      oauth: { clients: 1, federations: 1, lastTokenRequest: "2026-12-07T10:02:00.000Z" },
      lastRequest: "2026-12-07T10:01:00.000Z",
    });
    expect(step(f, "test").text).toBe(
      "Entra got an access token from the OAuth token endpoint at 2026-12-07 10:02:00 UTC. Save in Entra, then go on.",
    );
    expect(step(f, "credential").text).toBe(
      "1 OAuth client ready; 1 federation ready; SCIM token created 2026-12-07 10:00:00 UTC.",
    );
  });

  it("counts what arrived up to its cap, and stops polling once every step is done", () => {
    const f = facts({
      scimToken: {
        id: "t2",
        created: "2026-12-07T10:00:00.000Z",
        lastRequest: { at: "2026-12-07T10:01:00.000Z", method: "POST", path: "/Users", userName: "a", status: 201 },
      },
      lastRequest: "2026-12-07T10:01:00.000Z",
      provisioned: { users: 10_001, groups: 1 },
    });
    expect(step(f, "provision").text).toBe("Provisioning has started: 10,000+ users and 1 group arrived from Entra.");
    expect(step(f, "test").text).toBe(
      "Entra is connected with the SCIM token: its last request, POST /Users, arrived at 2026-12-07 10:01:00 UTC.",
    );
    expect(connectState(f).open).toBe(false);
  });
});
