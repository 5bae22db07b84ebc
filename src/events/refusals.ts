import type { ScimError } from "../scim/errors";
import { outboxStatement } from "./outbox";
import { type Actor, type AuditEvent, audit } from "./types";

const RESOURCE_PATH = /\/(Users|Groups)(?:\/([^/]+))?$/;

/** P23: a refused request is an event too, with the reason the client was given. */
export function refusedEvent(actor: Actor, method: string, path: string, err: ScimError): AuditEvent {
  const m = RESOURCE_PATH.exec(path);
  const type = m?.[1] === "Groups" ? "Group" : m?.[1] === "Users" ? "User" : "Tenant";
  const id = m?.[2] && m[2] !== ".search" ? decodedSegment(m[2]).slice(0, 200) : null;
  return audit(actor, "refused", type, id, {
    method,
    status: err.status,
    scimType: err.scimType ?? null,
    reason: err.detail,
    ...(err.reason ? { code: err.reason } : {}),
  });
}

/**
 * The id as the client meant it; a segment that is not valid percent-encoding (`%ZZ`, the
 * overlong `%C0%AF`) is kept as sent, since this runs after the handler and must not throw.
 */
function decodedSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/** Best effort: failing to audit a refusal must not turn the client's 4xx into a 500. */
export async function recordRefusal(db: D1Database, event: AuditEvent): Promise<boolean> {
  try {
    await outboxStatement(db, [event]).run();
    return true;
  } catch (e) {
    console.warn(JSON.stringify({ msg: "could not record a refused request", error: String(e) }));
    return false;
  }
}
