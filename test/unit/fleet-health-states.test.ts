import { describe, expect, it } from "vitest";
import { batchActivity } from "../../src/fleet/health/record";
import { conditionsOf, quarantineDistance, stateOf } from "../../src/fleet/health/states";
import type { HealthRow, RefreshedFacts } from "../../src/fleet/health/types";

const NOW = Date.parse("2026-12-07T12:00:00.000Z");
const ago = (min: number) => new Date(NOW - min * 60_000).toISOString();
const facts = (over: Partial<RefreshedFacts> = {}): RefreshedFacts => ({
  onboarded: ago(60 * 24 * 30),
  suspension: null,
  credentials: [],
  endpoints: [],
  ...over,
});
const row = (over: Partial<HealthRow> = {}): HealthRow => ({
  tenant: "acme",
  firstSeen: ago(60 * 24 * 20),
  lastSeen: ago(5),
  lastEntra: ago(5),
  everConnected: true,
  lastHour: { requests: 200, failures: 0 },
  last24h: { requests: 5000, failures: 10 },
  failingSince: null,
  failures24hSince: ago(600),
  facts: facts(),
  refreshed: ago(10),
  ...over,
});

describe("tenant health states", () => {
  it("a tenant with a recent cycle and few failures is healthy, with nothing to do", () => {
    const [c] = conditionsOf(row(), NOW);
    expect(c).toMatchObject({ state: "healthy", since: null, advice: "Nothing to do." });
    expect(c.evidence).toContain("200 requests in the last hour, 0 failed");
  });

  it("failing: more than 10% of the last hour's requests failed, since the first failing bucket", () => {
    const r = row({ lastHour: { requests: 100, failures: 30 }, failingSince: ago(40) });
    const c = conditionsOf(r, NOW)[0];
    expect(c).toMatchObject({ state: "failing", since: ago(40) });
    expect(c.evidence).toBe("30 of 100 requests failed in the last hour (30%).");
    expect(stateOf(row({ lastHour: { requests: 100, failures: 10 } }), NOW)).toBe("healthy");
  });

  it("the volume guard: a tenant with three requests, all failed, is not failing nor at risk", () => {
    const r = row({ lastHour: { requests: 3, failures: 3 }, last24h: { requests: 3, failures: 3 } });
    expect(stateOf(r, NOW)).toBe("healthy");
    expect(stateOf(row({ lastHour: { requests: 20, failures: 3 } }), NOW)).toBe("failing");
  });

  it("quarantine distance follows Entra's rule: ≥5,000 failures and >40%, or >40,000 failures", () => {
    expect(quarantineDistance({ requests: 10_000, failures: 4_500 })).toEqual({
      ratio: 0.45,
      met: false,
      failuresToGo: 500,
    });
    expect(quarantineDistance({ requests: 10_000, failures: 5_000 })).toMatchObject({ met: true, failuresToGo: 0 });
    // At 40% exactly the ratio rule is not met; only the absolute count remains.
    expect(quarantineDistance({ requests: 10_000, failures: 4_000 })).toMatchObject({
      met: false,
      failuresToGo: 36_001,
    });
    expect(quarantineDistance({ requests: 1_000_000, failures: 40_001 })).toMatchObject({ met: true, ratio: 0.04 });
    expect(quarantineDistance({ requests: 0, failures: 0 })).toMatchObject({ met: false, failuresToGo: 40_001 });
  });

  it("quarantine risk says how far Entra's rule is, and outranks failing", () => {
    const r = row({ lastHour: { requests: 100, failures: 50 }, last24h: { requests: 2_000, failures: 1_000 } });
    const [first, second] = conditionsOf(r, NOW);
    expect(first.state).toBe("quarantine-risk");
    expect(first.since).toBe(ago(600));
    expect(first.evidence).toBe(
      "1,000 of 2,000 requests failed in 24 h (50%); 4,000 more failures at this ratio meet Entra's quarantine rule.",
    );
    expect(second.state).toBe("failing");
    const met = conditionsOf(row({ last24h: { requests: 9_000, failures: 6_000 } }), NOW)[0];
    expect(met.evidence).toContain("Entra's quarantine rule is met");
  });

  it("silent: no Entra request for more than two 40-minute cycles from a tenant that ran before", () => {
    expect(stateOf(row({ lastEntra: ago(79), lastHour: { requests: 0, failures: 0 } }), NOW)).toBe("healthy");
    const c = conditionsOf(row({ lastEntra: ago(200), lastHour: { requests: 0, failures: 0 } }), NOW)[0];
    expect(c).toMatchObject({ state: "silent", since: ago(120) });
    expect(c.evidence).toBe(`No request from Entra since ${ago(200)} (more than two 40-minute cycles).`);
  });

  it("silent: never connected three days after onboarding; new before that", () => {
    const never = { lastEntra: null, everConnected: false, firstSeen: null, lastHour: { requests: 0, failures: 0 } };
    const late = conditionsOf(row({ ...never, facts: facts({ onboarded: ago(60 * 24 * 4) }) }), NOW)[0];
    expect(late).toMatchObject({ state: "silent", since: ago(60 * 24) });
    expect(late.evidence).toContain("Entra has never connected");
    const fresh = conditionsOf(row({ ...never, facts: facts({ onboarded: ago(60 * 24) }) }), NOW)[0];
    expect(fresh).toMatchObject({ state: "new", since: ago(60 * 24) });
  });

  it("credentials expiring: an OAuth client secret within 30 days, since 30 days before it expires", () => {
    const expires = new Date(NOW + 10 * 86_400_000).toISOString();
    const c = conditionsOf(
      row({ facts: facts({ credentials: [{ clientId: "c1", name: "Entra", expires }] }) }),
      NOW,
    )[0];
    expect(c).toMatchObject({ state: "credentials-expiring", since: new Date(NOW - 20 * 86_400_000).toISOString() });
    expect(c.evidence).toBe(`OAuth client "Entra" (c1) expires ${expires}`);
    const later = new Date(NOW + 31 * 86_400_000).toISOString();
    const ok = row({ facts: facts({ credentials: [{ clientId: "c1", name: "Entra", expires: later }] }) });
    expect(stateOf(ok, NOW)).toBe("healthy");
  });

  it("events failing: the endpoints' own view, since the earliest", () => {
    const endpoints = [
      {
        url: "https://b.example/e",
        state: "disabled" as const,
        since: ago(30),
        failedAttempts: 9,
        deadLettered: 0,
        action: "Fix it, then enable it.",
      },
      {
        url: "https://a.example/e",
        state: "dead-lettered" as const,
        since: ago(90),
        failedAttempts: 0,
        deadLettered: 4,
        action: null,
      },
    ];
    const c = conditionsOf(row({ facts: facts({ endpoints }) }), NOW)[0];
    expect(c).toMatchObject({ state: "events-failing", since: ago(90), advice: "Fix it, then enable it." });
    expect(c.evidence).toBe(
      "https://b.example/e: disabled, 9 failed attempts; https://a.example/e: dead-lettered, 4 events dead-lettered",
    );
  });

  it("suspended outranks everything, with the reason as evidence", () => {
    const r = row({ lastEntra: ago(500), facts: facts({ suspension: { reason: "unpaid invoice", at: ago(300) } }) });
    const cs = conditionsOf(r, NOW);
    expect(cs.map((c) => c.state)).toEqual(["suspended", "silent"]);
    expect(cs[0]).toMatchObject({ since: ago(300), evidence: "Suspended by the service provider: unpaid invoice" });
  });
});

describe("a batch's figures for the health row", () => {
  const rec = (at: string, status: number) => ({ at, status }) as never;
  it("counts requests and failures per 10-minute bucket, the last Entra request and any request seen", () => {
    const a = batchActivity("acme", [
      {
        v: 1,
        tenant: "acme",
        ids: [],
        activity: [rec("2026-12-07T11:01:00.000Z", 200), rec("2026-12-07T11:09:00.000Z", 409)],
      },
      {
        v: 1,
        tenant: "acme",
        ids: [],
        activity: [rec("2026-12-07T11:12:00.000Z", 500)],
        noise: [{ id: "n", at: "2026-12-07T11:30:00.000Z", reason: "x", count: 2 }],
      },
    ]);
    expect(a).toEqual({
      tenant: "acme",
      buckets: [
        { start: Date.parse("2026-12-07T11:00:00.000Z"), requests: 2, failures: 1 },
        { start: Date.parse("2026-12-07T11:10:00.000Z"), requests: 1, failures: 1 },
      ],
      lastEntra: Date.parse("2026-12-07T11:12:00.000Z"),
      firstSeen: Date.parse("2026-12-07T11:01:00.000Z"),
      lastSeen: Date.parse("2026-12-07T11:30:00.000Z"),
      connected: true,
    });
    expect(batchActivity("acme", [{ v: 1, tenant: "acme", ids: ["x"] }])).toBeNull();
  });
});
