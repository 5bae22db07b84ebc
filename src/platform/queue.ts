/**
 * What every message on the EVENTS queue carries, version 1: its tenant and the outbox rows it
 * names (docs/storage.md). The binding is typed with this envelope; the full message adds the
 * activity records of its requests. Its types are plain data and sit here, at the bottom, so that
 * events/ (which sends it) and activity/ (which fills and stores it) both import down.
 */
export interface QueueEnvelope {
  v: 1;
  tenant: string;
  ids: string[];
}

/**
 * Queue message, version 1: names outbox rows of committed changes (possibly none) and carries
 * the activity records and unauthenticated-request counts of the requests it was sent for
 * (src/activity/; both optional, so older messages and the sweep's stay valid).
 */
export interface EventMessage extends QueueEnvelope {
  activity?: ActivityRecord[];
  noise?: NoiseCount[];
}

/** One SCIM request on record; travels in the Queue message of its request (docs/storage.md). */
export interface ActivityRecord {
  id: string;
  at: string;
  method: string;
  /** Below the tenant's SCIM base: `/Users/<id>`, `/Groups`, `/Schemas`. */
  path: string;
  query: string | null;
  status: number;
  scimType: string | null;
  detail: string | null;
  /** Failure reason code (activity/reasons.ts); null when the request succeeded. */
  reason: string | null;
  durationMs: number;
  op: ActivityOp;
  resourceType: "User" | "Group" | null;
  resourceId: string | null;
  userName: string | null;
  externalId: string | null;
  displayName: string | null;
  tokenId: string | null;
  /** Entra's "Modified properties": each changed attribute with its old and new value. */
  changes: ModifiedProperty[] | null;
  /** The request body, redacted and capped at REQUEST_CAP_BYTES (activity/redact.ts); JSON text. */
  request: string | null;
  requestBytes: number | null;
}

export const ACTIVITY_OPS = ["read", "create", "update", "delete", "other"] as const;
export type ActivityOp = (typeof ACTIVITY_OPS)[number];

export interface ModifiedProperty {
  attribute: string;
  old?: unknown;
  new?: unknown;
}

/** Unauthenticated requests of one tenant counted in one isolate since its last flush. */
export interface NoiseCount {
  id: string;
  at: string;
  reason: string;
  count: number;
}
