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
  /** Failure reason code (reasons.ts); null when the request succeeded. */
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
  /** The request body, redacted and capped at REQUEST_CAP_BYTES (redact.ts); JSON text. */
  request: string | null;
  requestBytes: number | null;
}

export type ActivityOp = "read" | "create" | "update" | "delete" | "other";

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
