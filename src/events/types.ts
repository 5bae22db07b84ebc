import type { EventMessage } from "../platform/queue";
import { MAX_AUDIT_DETAIL_CHARS, quote } from "../scim/limits";
import type { Settings } from "../settings/settings";

/** Events written to the outbox with the change they describe (see docs/storage.md). */
/**
 * Who did it. `oauth`: a request to the token endpoint, before any client is known good.
 * `person:<admin id>` and `key:<key id>`: a named admin or admin API key, whose name the entry's
 * `detail.by` carries (docs/people.md); `admin` is what the service itself does for an admin
 * request with no one named (a cron, or entries written before admins had names). `system`: a
 * change the service computed itself (a user's effective roles, docs/roles.md).
 */
export type Actor = "scim" | "admin" | "oauth" | "system" | "signin" | `person:${string}` | `key:${string}`;

export type AdminRole = "owner" | "admin" | "viewer";
export const ADMIN_ROLES: readonly AdminRole[] = ["owner", "admin", "viewer"];

/** What an audit entry says about the person or key behind an admin request. */
export type ActorName =
  { kind: "person"; provider: string; subject: string; email: string; name: string } | { kind: "key"; name: string };

/** The admin behind a request (a signed-in person, or an admin API key) and the role they act with. */
export interface Principal {
  actor: `person:${string}` | `key:${string}`;
  role: AdminRole;
  /** The admin's or the key's id. */
  id: string;
  by: ActorName;
  /** Signed in to the console with a key (the tenant may turn that off). */
  viaKey: boolean;
}

/**
 * The one place an admin request's audit entries get their author: what a service wrote as
 * `admin` becomes the principal's actor, with the name in `detail.by`. Entries of SCIM or OAuth
 * keep theirs.
 */
export function attributed<E extends OutboxEvent>(event: E, principal: Principal | undefined): E {
  if (!principal || event.kind !== "audit" || event.actor !== "admin") return event;
  return { ...event, actor: principal.actor, detail: { ...event.detail, by: principal.by } };
}

/** Every audit action, once: the type, the admin API's filter and the console's options derive from it. */
export const AUDIT_ACTIONS = [
  "create",
  "update",
  "disable",
  /** A suspended user made active again (until 2026-12 such a change was recorded as "update"). */
  "enable",
  "delete",
  "hard-delete",
  "membership",
  "takeover",
  "refused",
  "import",
  "settings",
  "token",
  "custom-attribute",
  "oauth-client",
  "oauth-federation",
  "webhook",
  "api-key",
  "admin",
  "setup-link",
  "sign-in",
  "roles",
  "suspension",
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export const RESOURCE_TYPES = ["User", "Group", "Tenant"] as const;
export type ResourceType = (typeof RESOURCE_TYPES)[number];

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

/** The Queue message sent after commit; its shape lives with the queue (platform/queue.ts). */
export type { EventMessage };

export function audit(
  actor: Actor,
  action: AuditAction,
  resourceType: ResourceType,
  resourceId: string | null,
  detail: Record<string, unknown> = {},
): AuditEvent {
  return {
    kind: "audit",
    id: crypto.randomUUID(),
    at: new Date().toISOString(),
    actor,
    action,
    resourceType,
    resourceId,
    detail: bounded(detail),
  };
}

/** Items of a list kept in an oversized detail (AUDIT_SAMPLE-like: enough to follow a change). */
const KEPT_ITEMS = 20;

/**
 * P23 with a size: an entry's detail is at most MAX_AUDIT_DETAIL_CHARS of JSON, whatever the
 * client sent (a refusal quoting a 60 KB value, 10,000 ignored attribute names). Strings and
 * lists are shortened first; what is still too large is kept as an excerpt.
 */
function bounded(detail: Record<string, unknown>): Record<string, unknown> {
  if (JSON.stringify(detail).length <= MAX_AUDIT_DETAIL_CHARS) return detail;
  const short = { ...(shorten(detail) as Record<string, unknown>), truncated: true };
  const json = JSON.stringify(short);
  return json.length <= MAX_AUDIT_DETAIL_CHARS
    ? short
    : { truncated: true, excerpt: json.slice(0, MAX_AUDIT_DETAIL_CHARS - 100) };
}

function shorten(v: unknown): unknown {
  if (typeof v === "string") return quote(v);
  if (Array.isArray(v)) {
    const kept = v.slice(0, KEPT_ITEMS).map(shorten);
    return v.length > KEPT_ITEMS ? [...kept, `… ${v.length - KEPT_ITEMS} more`] : kept;
  }
  if (v && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [quote(k), shorten(x)]));
  return v;
}

/** The `userId` of an admin's invitation mail (a setup link sent by email), which names no user. */
export const ADMIN_INVITE_PREFIX = "admin-invite:";

export const invite = (userId: string): InviteEvent => ({
  kind: "invite",
  id: crypto.randomUUID(),
  at: new Date().toISOString(),
  userId,
});

/**
 * P20, decided here only: a user Entra creates or takes over is invited when the tenant has
 * auto-invite on. The settings are the request's (read with its token check, tenants/auth.ts),
 * so the decision costs no read; the invitation then commits with the user, or not at all.
 */
export const invitesFor = (settings: Pick<Settings, "autoInvite">, userId: string): InviteEvent[] =>
  settings.autoInvite ? [invite(userId)] : [];
