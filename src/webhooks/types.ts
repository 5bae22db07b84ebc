/**
 * The events a tenant's endpoints receive, one per committed change, and the RFC 9967
 * event type each is carried as in a SET. The short names are the `json` format's `type` and
 * what an endpoint subscribes to.
 */
export const EVENT_TYPES = [
  "user.created",
  "user.replaced",
  "user.modified",
  "user.activated",
  "user.deactivated",
  "user.deleted",
  "user.hard_deleted",
  "user.taken_over",
  "user.roles_changed",
  "group.created",
  "group.renamed",
  "group.modified",
  "group.deleted",
  "group.members_added",
  "group.members_removed",
] as const;

export type EventType = (typeof EVENT_TYPES)[number];

const PROV = "urn:ietf:params:scim:event:prov";
export const ROLES_CHANGED_URI = "urn:edge-scim:event:user:roles_changed";

/**
 * RFC 9967 §2.4 provisioning events, "notice" variants (the attributes that changed, not their
 * values: an endpoint that wants values reads the resource). P9's DELETE from Entra suspends
 * the user, which is a deactivation; only an admin's hard delete is `prov:delete`. A takeover
 * (P11) replaces the resource with Entra's version: `put`.
 */
export const SET_EVENT_URI: Record<EventType, string> = {
  "user.created": `${PROV}:create:notice`,
  "user.replaced": `${PROV}:put:notice`,
  "user.modified": `${PROV}:patch:notice`,
  "user.activated": `${PROV}:activate`,
  "user.deactivated": `${PROV}:deactivate`,
  "user.deleted": `${PROV}:deactivate`,
  "user.hard_deleted": `${PROV}:delete`,
  "user.taken_over": `${PROV}:put:notice`,
  // Effective roles are not a SCIM attribute, so no RFC 9967 event says it: a private URI (RFC 8417 §2.2).
  "user.roles_changed": ROLES_CHANGED_URI,
  "group.created": `${PROV}:create:notice`,
  "group.renamed": `${PROV}:patch:notice`,
  "group.modified": `${PROV}:patch:notice`,
  "group.deleted": `${PROV}:delete`,
  "group.members_added": `${PROV}:patch:notice`,
  "group.members_removed": `${PROV}:patch:notice`,
};

/** An event as stored in `security_events` and sent: the facts of one change. */
export interface SecurityEvent {
  /** The outbox event id (a second event of one membership change: `<id>:removed`). */
  id: string;
  /** Commit order (outbox rowid × 4 + k). */
  seq: number;
  type: EventType;
  resourceType: "User" | "Group";
  resourceId: string;
  externalId: string | null;
  /** When the change committed. */
  created: string;
  /** The facts receivers get (`data` of the json format). */
  data: EventData;
}

export interface EventData {
  id: string;
  externalId?: string;
  userName?: string;
  displayName?: string;
  active?: boolean;
  /** Attributes whose values changed (modify, replace, rename, takeover). */
  attributes?: string[];
  /** Membership changes: how many, and up to 100 member ids. */
  added?: number;
  removed?: number;
  memberIds?: string[];
  /** A user's effective roles (docs/roles.md): after the change for user.roles_changed, else as recorded. */
  roles?: RoleValue[];
  /** user.roles_changed: the effective roles before the change. */
  previousRoles?: RoleValue[];
}

export interface RoleValue {
  value: string;
  primary: boolean;
}
