import { FAILURE_REASONS, currentReason, reasonInfo } from "./reasons";

/**
 * The derived views, each a few statements over the indexes of migration 0005: `activity_at`
 * (at, status) answers the counts from the index alone, the partial `activity_failures` the
 * reasons, `activity_token` each token's last use.
 */
const HOUR_MS = 3_600_000;
/**
 * Entra quarantines a provisioning job when more than 40% of its requests fail (Graph's
 * quarantine reason `EncounteredEscrowProportionThreshold`); the figures are the ones the health view
 * works to, Entra does not publish its exact window.
 */
export const ENTRA_QUARANTINE_RATIO = 0.4;
/** ... and only once that many requests failed (`EncounteredTotalEscrowThreshold`). */
export const ENTRA_QUARANTINE_MIN_FAILURES = 5_000;
const TOP_REASONS = 10;

const iso = (ms: number) => new Date(ms).toISOString();

interface Window {
  requests: number;
  failures: number;
  failureRatio: number;
}

const windowOf = (r: { requests: number; failures: number } | undefined): Window => {
  const requests = r?.requests ?? 0;
  const failures = r?.failures ?? 0;
  return { requests, failures, failureRatio: requests ? Math.round((failures / requests) * 1000) / 1000 : 0 };
};

/** The statements of the views, exported so that a test can check each one's query plan. */
export const VIEW_SQL = {
  last: "SELECT max(at) AS at FROM activity",
  counts: "SELECT count(*) AS requests, coalesce(sum(status >= 400), 0) AS failures FROM activity WHERE at >= ?1",
  // SQLite returns the bare columns (detail, status) of the row holding max(at): the latest example.
  reasons: `SELECT reason, count(*) AS count, max(at) AS last, status, detail FROM activity
    WHERE at >= ?1 AND status >= 400 GROUP BY reason ORDER BY count DESC, last DESC LIMIT ?2`,
  tokens: `SELECT id, created, revoked, (SELECT max(at) FROM activity WHERE token_id = tokens.id) AS lastUsed
    FROM tokens WHERE scope = 'scim' ORDER BY created DESC LIMIT 10`,
  noise: "SELECT reason, sum(count) AS count FROM activity_noise WHERE at >= ?1 GROUP BY reason ORDER BY count DESC",
  cycles: `WITH r AS (
      SELECT at, op, status,
             CASE WHEN (julianday(at) - julianday(lag(at) OVER (ORDER BY at))) * 1440 > ?3 THEN 1 ELSE 0 END AS starts
      FROM activity WHERE at >= ?1 AND at <= ?2
    ), c AS (SELECT *, sum(starts) OVER (ORDER BY at ROWS UNBOUNDED PRECEDING) AS cycle FROM r)
    SELECT min(at) AS start, max(at) AS end, count(*) AS requests,
           sum(op = 'read') AS reads,
           sum(op = 'create' AND status < 400) AS creates,
           sum(op = 'update' AND status < 400) AS updates,
           sum(op = 'delete' AND status < 400) AS deletes,
           sum(status >= 400) AS failures
    FROM c GROUP BY cycle ORDER BY start DESC LIMIT ?4`,
};

export async function health(db: D1Database, now = Date.now()) {
  const day = iso(now - 24 * HOUR_MS);
  const [last, hour, today, reasons, tokens, noise] = await db.batch([
    db.prepare(VIEW_SQL.last),
    db.prepare(VIEW_SQL.counts).bind(iso(now - HOUR_MS)),
    db.prepare(VIEW_SQL.counts).bind(day),
    db.prepare(VIEW_SQL.reasons).bind(day, TOP_REASONS),
    db.prepare(VIEW_SQL.tokens),
    db.prepare(VIEW_SQL.noise).bind(day),
  ]);
  const lastHour = windowOf(hour.results[0] as { requests: number; failures: number });
  const last24h = windowOf(today.results[0] as { requests: number; failures: number });
  const lastRequest = (last.results[0] as { at: string | null }).at;
  return {
    lastRequest,
    lastHour,
    last24h,
    quarantine: {
      threshold: ENTRA_QUARANTINE_RATIO,
      minFailures: ENTRA_QUARANTINE_MIN_FAILURES,
      /** Over the last 24 h: more than 40% failed. */
      atRisk: last24h.failureRatio > ENTRA_QUARANTINE_RATIO,
      /** ... and the failures are numerous enough for Entra to quarantine the job. */
      likely: last24h.failureRatio > ENTRA_QUARANTINE_RATIO && last24h.failures >= ENTRA_QUARANTINE_MIN_FAILURES,
    },
    state: stateOf(lastRequest, now, lastHour, last24h),
    failureReasons: byCurrentReason(reasons.results as ReasonRow[]).map((r) => ({
      reason: r.reason,
      count: r.count,
      last: r.last,
      example: { status: r.status, detail: r.detail },
      ...(reasonInfo(r.reason) ?? FAILURE_REASONS.other),
    })),
    tokens: tokens.results as { id: string; created: string; revoked: string | null; lastUsed: string | null }[],
    unauthenticated24h: noise.results as { reason: string; count: number }[],
  };
}

function stateOf(
  last: string | null,
  now: number,
  hour: Window,
  day: Window,
): "idle" | "healthy" | "failing" | "at-risk" {
  if (!last || Date.parse(last) < now - 24 * HOUR_MS) return "idle";
  if (day.failureRatio > ENTRA_QUARANTINE_RATIO) return "at-risk";
  return hour.failures > 0 ? "failing" : "healthy";
}

/**
 * Entra's provisioning cycles, recognised by the gaps between bursts: a request more than
 * `gapMinutes` after the previous one starts a new cycle (window functions over `activity_at`).
 */
export async function cycles(db: D1Database, opts: { from: string; to: string; gapMinutes: number; limit: number }) {
  const { results } = await db.prepare(VIEW_SQL.cycles).bind(opts.from, opts.to, opts.gapMinutes, opts.limit).all<{
    start: string;
    end: string;
    requests: number;
    reads: number;
    creates: number;
    updates: number;
    deletes: number;
    failures: number;
  }>();
  return results.map((r) => ({ ...r, durationMs: Date.parse(r.end) - Date.parse(r.start) }));
}

interface ReasonRow {
  reason: string;
  count: number;
  last: string;
  status: number;
  detail: string | null;
}

/** Records stored under a former code (reasons.ts) count with the current one. */
function byCurrentReason(rows: ReasonRow[]): ReasonRow[] {
  const merged = new Map<string, ReasonRow>();
  for (const r of rows) {
    const reason = currentReason(r.reason);
    const seen = merged.get(reason);
    if (!seen) merged.set(reason, { ...r, reason });
    else {
      seen.count += r.count;
      if (r.last > seen.last) Object.assign(seen, { last: r.last, status: r.status, detail: r.detail });
    }
  }
  return [...merged.values()].sort((a, b) => b.count - a.count || b.last.localeCompare(a.last));
}
