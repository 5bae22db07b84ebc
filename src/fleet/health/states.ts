import type { HealthRow } from "./types";

/**
 * The states of a tenant, computed from its health row alone (pure: the tests pass `now`). Each
 * condition says since when, the evidence and what to do; the tenant's state is its most severe
 * condition, in the order of STATES.
 */
export const STATES = [
  "suspended",
  "quarantine-risk",
  "silent",
  "failing",
  "events-failing",
  "credentials-expiring",
  "new",
  "healthy",
] as const;
export type HealthState = (typeof STATES)[number];

export interface Condition {
  state: HealthState;
  since: string | null;
  evidence: string;
  advice: string;
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
/** Entra runs an incremental provisioning cycle about every 40 minutes. */
export const ENTRA_CYCLE_MS = 40 * MINUTE;
/** Silent: no request for more than two cycles from a tenant that ran before. */
export const SILENT_AFTER_MS = 2 * ENTRA_CYCLE_MS;
/** Silent too: never connected this long after onboarding. */
export const NEVER_CONNECTED_AFTER_MS = 3 * DAY;
/** Failing: more than this share of the last hour's requests failed... */
export const FAILING_RATIO = 0.1;
/** ...and the volume guard: fewer requests than this (in the window judged) make no state. */
export const MIN_VOLUME = 20;
/** Entra's quarantine: at least 5,000 failures and more than 40% of requests, or more than 40,000. */
export const QUARANTINE_RATIO = 0.4;
export const QUARANTINE_MIN_FAILURES = 5_000;
export const QUARANTINE_ANY_FAILURES = 40_000;
/** OAuth client secrets are flagged this long before they expire. */
export const CREDENTIAL_WARNING_MS = 30 * DAY;

const iso = (ms: number) => new Date(ms).toISOString();
const pct = (r: number) => `${Math.round(r * 1000) / 10}%`;
const ratio = (w: { requests: number; failures: number }) => (w.requests ? w.failures / w.requests : 0);
const n = (v: number) => v.toLocaleString("en-US");

/**
 * How far a tenant is from Entra's quarantine over the last 24 h (Entra does not publish its
 * window; views.ts works to the same day). `failuresToGo` is the fewest further failures that
 * meet a rule at the current ratio; 0 once a rule is met.
 */
export function quarantineDistance(w: { requests: number; failures: number }): {
  ratio: number;
  met: boolean;
  failuresToGo: number;
} {
  const r = ratio(w);
  const byTotal = Math.max(0, QUARANTINE_ANY_FAILURES + 1 - w.failures);
  const byRatio = r > QUARANTINE_RATIO ? Math.max(0, QUARANTINE_MIN_FAILURES - w.failures) : Infinity;
  const failuresToGo = Math.min(byTotal, byRatio);
  return { ratio: Math.round(r * 1000) / 1000, met: failuresToGo === 0, failuresToGo };
}

export function conditionsOf(row: HealthRow, now: number): Condition[] {
  const out: Condition[] = [];
  const facts = row.facts;
  if (facts?.suspension)
    out.push({
      state: "suspended",
      since: facts.suspension.at,
      evidence: `Suspended by the service provider: ${facts.suspension.reason}`,
      advice: "Resume the tenant (POST /fleet/api/tenants/<slug>/resume) once the reason is resolved.",
    });

  const q = quarantineDistance(row.last24h);
  if (row.last24h.requests >= MIN_VOLUME && (q.ratio > QUARANTINE_RATIO || q.met))
    out.push({
      state: "quarantine-risk",
      since: row.failures24hSince,
      evidence: q.met
        ? `${n(row.last24h.failures)} of ${n(row.last24h.requests)} requests failed in 24 h (${pct(q.ratio)}): Entra's quarantine rule is met.`
        : `${n(row.last24h.failures)} of ${n(row.last24h.requests)} requests failed in 24 h (${pct(q.ratio)}); ${n(q.failuresToGo)} more failures at this ratio meet Entra's quarantine rule.`,
      advice:
        "Fix the failing requests now (the tenant's Activity page lists the reasons). Once quarantined, Entra retries once a day until the customer restarts provisioning.",
    });

  const last = row.lastEntra ? Date.parse(row.lastEntra) : null;
  if (last !== null && now - last > SILENT_AFTER_MS)
    out.push({
      state: "silent",
      since: iso(last + SILENT_AFTER_MS),
      evidence: `No request from Entra since ${row.lastEntra} (more than two 40-minute cycles).`,
      advice:
        "Ask the customer to check the provisioning job in Entra: stopped, quarantined, or its secret token or client secret expired.",
    });
  const onboarded = facts?.onboarded ? Date.parse(facts.onboarded) : null;
  if (last === null && onboarded !== null && now - onboarded > NEVER_CONNECTED_AFTER_MS)
    out.push({
      state: "silent",
      since: iso(onboarded + NEVER_CONNECTED_AFTER_MS),
      evidence: `Onboarded ${facts?.onboarded}; Entra has never connected.`,
      advice:
        "Contact the customer: provisioning was never set up or never started (the console's Connect page guides it).",
    });

  if (row.lastHour.requests >= MIN_VOLUME && ratio(row.lastHour) > FAILING_RATIO)
    out.push({
      state: "failing",
      since: row.failingSince,
      evidence: `${n(row.lastHour.failures)} of ${n(row.lastHour.requests)} requests failed in the last hour (${pct(ratio(row.lastHour))}).`,
      advice:
        "Open the tenant's Activity page for the failure reasons; most are a mapping or a conflicting user in Entra.",
    });

  if (facts?.endpoints.length) {
    const since = facts.endpoints.map((e) => e.since).sort()[0] ?? null;
    out.push({
      state: "events-failing",
      since,
      evidence: facts.endpoints
        .map(
          (e) =>
            `${e.url}: ${e.state}` +
            (e.failedAttempts ? `, ${e.failedAttempts} failed attempts` : "") +
            (e.deadLettered ? `, ${e.deadLettered} events dead-lettered` : ""),
        )
        .join("; "),
      advice: facts.endpoints[0]?.action ?? "Ask the customer to check their events endpoint.",
    });
  }

  const expiring = (facts?.credentials ?? []).filter((c) => Date.parse(c.expires) - now <= CREDENTIAL_WARNING_MS);
  if (expiring.length) {
    const first = expiring[0];
    out.push({
      state: "credentials-expiring",
      since: iso(Date.parse(first.expires) - CREDENTIAL_WARNING_MS),
      evidence: expiring
        .map(
          (c) =>
            `OAuth client "${c.name}" (${c.clientId}) ${Date.parse(c.expires) <= now ? "expired" : "expires"} ${c.expires}`,
        )
        .join("; "),
      advice:
        "Ask the customer to add a new OAuth client in the console, enter its secret in Entra, then revoke the old client.",
    });
  }

  if (!out.length && last === null)
    out.push({
      state: "new",
      since: facts?.onboarded ?? row.firstSeen,
      evidence: facts?.onboarded
        ? `Onboarded ${facts.onboarded}; Entra has not connected yet.`
        : "No request seen yet.",
      advice: "Nothing yet: the customer has days to connect Entra before it counts as silent.",
    });
  if (!out.length)
    out.push({
      state: "healthy",
      since: null,
      evidence: `${n(row.lastHour.requests)} requests in the last hour, ${n(row.lastHour.failures)} failed; last from Entra ${row.lastEntra}.`,
      advice: "Nothing to do.",
    });
  return out.sort((a, b) => STATES.indexOf(a.state) - STATES.indexOf(b.state));
}

export function stateOf(row: HealthRow, now: number): HealthState {
  return conditionsOf(row, now)[0].state;
}
