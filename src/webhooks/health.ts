import { missingTable } from "./record";
import { redactedUrl } from "./redact";

/**
 * An event endpoint that needs the admin: disabled, failing (no success since its
 * first failed attempt), or with events dead-lettered (undelivered 24 h after their commit) and
 * still kept. `since` is when it went wrong, `lastError` the newest failed attempt's reason.
 */
export interface FailingEndpoint {
  id: string;
  /** Without query or fragment, which may carry a receiver's token. */
  url: string;
  format: "set" | "json";
  state: "failing" | "disabled" | "dead-lettered";
  since: string;
  disabledAt: string | null;
  /** Attempts failed in a row since `since` (when failing or disabled). */
  failedAttempts: number;
  pending: number;
  deadLettered: number;
  lastError: { at: string; status: number | null; error: string } | null;
  /** What the admin can do, in the order to do it. */
  actions: string[];
}

interface Row {
  id: string;
  url: string;
  format: "set" | "json";
  disabled_at: string | null;
  failing_since: string | null;
  pending: number;
  dead: number;
  dead_since: string | null;
  failed_attempts: number;
  last_at: string | null;
  last_status: number | null;
  last_error: string | null;
}

const SQL = `
  SELECT w.id, w.url, w.format, w.disabled_at, w.failing_since,
    (SELECT count(*) FROM webhook_deliveries d WHERE d.webhook_id = w.id AND d.state = 'pending') AS pending,
    (SELECT count(*) FROM webhook_deliveries d WHERE d.webhook_id = w.id AND d.state = 'dead') AS dead,
    (SELECT min(created) FROM webhook_deliveries d WHERE d.webhook_id = w.id AND d.state = 'dead') AS dead_since,
    CASE WHEN w.failing_since IS NULL THEN 0 ELSE
      (SELECT count(*) FROM webhook_attempts x WHERE x.webhook_id = w.id AND x.at >= w.failing_since AND x.error IS NOT NULL)
    END AS failed_attempts,
    a.at AS last_at, a.status AS last_status, a.error AS last_error
  FROM webhooks w
  LEFT JOIN webhook_attempts a
    ON a.id = (SELECT max(id) FROM webhook_attempts x WHERE x.webhook_id = w.id AND x.error IS NOT NULL)
  WHERE w.disabled_at IS NOT NULL OR w.failing_since IS NOT NULL
    OR EXISTS (SELECT 1 FROM webhook_deliveries d WHERE d.webhook_id = w.id AND d.state = 'dead')
  ORDER BY w.created`;

/** The endpoints that need the admin; none on a database not yet migrated for events. `pollPath`: `/t/<tenant>/events/poll`. */
export async function failingEndpoints(db: D1Database, pollPath: string): Promise<FailingEndpoint[]> {
  let rows: Row[];
  try {
    rows = (await db.prepare(SQL).all<Row>()).results;
  } catch (e) {
    if (missingTable(e)) return [];
    throw e;
  }
  return rows.map((r) => {
    const state = r.disabled_at ? "disabled" : r.failing_since ? "failing" : "dead-lettered";
    return {
      id: r.id,
      url: redactedUrl(r.url),
      format: r.format,
      state,
      since: r.failing_since ?? r.disabled_at ?? r.dead_since ?? "",
      disabledAt: r.disabled_at,
      failedAttempts: r.failed_attempts,
      pending: r.pending,
      deadLettered: r.dead,
      lastError: r.last_at && r.last_error ? { at: r.last_at, status: r.last_status, error: r.last_error } : null,
      actions: actionsFor(state, r, pollPath),
    };
  });
}

/** Plain steps, the same in the admin API and the console. */
function actionsFor(state: FailingEndpoint["state"], r: Row, pollPath: string): string[] {
  const answer =
    r.format === "set"
      ? "Make the receiver answer 202 within 5 seconds, without a redirect."
      : "Make the receiver answer with a 2xx status within 5 seconds, without a redirect.";
  const replay = `Events it missed can be read again with the poll (POST ${pollPath}) while they are kept (Settings, "Keep events for").`;
  if (state === "disabled") {
    return [
      "No event is sent to this endpoint any more: it failed for 3 days and was disabled.",
      answer,
      "Then delete the endpoint and add it again; events are sent to it from then on.",
      replay,
    ];
  }
  if (state === "failing") {
    return [
      answer,
      "Then send a test event to check it. Waiting events are retried on their own (after 30 seconds, doubling, for up to 24 hours).",
      ...(r.dead > 0 ? [`${r.dead} event(s) were not delivered within 24 hours and are no longer retried.`] : []),
      replay,
      "An endpoint failing for 3 days is disabled.",
    ];
  }
  return [
    `${r.dead} event(s) were not delivered within 24 hours and are no longer retried; the endpoint answers again now.`,
    replay,
  ];
}
