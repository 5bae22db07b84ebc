import type { ActivityRecord, NoiseCount } from "../activity/types";

/** Events written to the outbox with the change they describe (see docs/storage.md). */
export type Actor = "scim" | "admin";

export type AuditAction =
  | "create"
  | "update"
  | "disable"
  | "delete"
  | "hard-delete"
  | "membership"
  | "takeover"
  | "refused"
  | "import"
  | "settings"
  | "token"
  | "custom-attribute";

export type ResourceType = "User" | "Group" | "Tenant";

export interface AuditEvent {
  kind: "audit";
  id: string;
  at: string;
  actor: Actor;
  action: AuditAction;
  resourceType: ResourceType;
  resourceId: string | null;
  detail: Record<string, unknown>;
}

/**
 * An invitation is rendered when it is delivered, from the templates and the user as they are
 * then, so the write path needs no template work and no extra read (P19, P20).
 */
export interface InviteEvent {
  kind: "invite";
  id: string;
  at: string;
  userId: string;
}

export type OutboxEvent = AuditEvent | InviteEvent;

/**
 * Queue message, version 1: names outbox rows of committed changes (possibly none) and carries
 * the activity records and unauthenticated-request counts of the requests it was sent for
 * (src/activity/; both optional, so older messages and the sweep's stay valid).
 */
export interface EventMessage {
  v: 1;
  tenant: string;
  ids: string[];
  activity?: ActivityRecord[];
  noise?: NoiseCount[];
}

export function audit(
  actor: Actor,
  action: AuditAction,
  resourceType: ResourceType,
  resourceId: string | null,
  detail: Record<string, unknown> = {},
): AuditEvent {
  return { kind: "audit", id: crypto.randomUUID(), at: new Date().toISOString(), actor, action, resourceType, resourceId, detail };
}

export const invite = (userId: string): InviteEvent => ({ kind: "invite", id: crypto.randomUUID(), at: new Date().toISOString(), userId });
