import type { AuditEvent } from "../events/types";
import type { EventData, EventType, RoleValue, SecurityEvent } from "./types";

/** Seq numbers per outbox row: room for the two events one membership change can make. */
const SEQ_PER_ROW = 4;

const str = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined);
const list = (v: unknown): string[] | undefined =>
  Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : undefined;
const num = (v: unknown): number => (typeof v === "number" ? v : 0);
const roleList = (v: unknown): RoleValue[] =>
  Array.isArray(v)
    ? v.flatMap((r) =>
        r && typeof r === "object" && typeof (r as RoleValue).value === "string"
          ? [{ value: (r as RoleValue).value, primary: (r as RoleValue).primary === true }]
          : [],
      )
    : [];

/**
 * The events of one committed audit entry (pure): what SCIM changed in users and groups, as
 * their audit details say it (src/users/service.ts, takeover.ts, src/groups/*). Refusals, tenant
 * changes and imports are not resource changes an endpoint is told about: none.
 */
export function eventsOf(a: AuditEvent, outboxRowid: number): SecurityEvent[] {
  if (!a.resourceId || (a.resourceType !== "User" && a.resourceType !== "Group")) return [];
  const d = a.detail;
  const base = {
    resourceType: a.resourceType,
    resourceId: a.resourceId,
    externalId: str(d.externalId) ?? null,
    created: a.at,
  };
  const data: EventData = { id: a.resourceId, ...(str(d.externalId) ? { externalId: str(d.externalId) } : {}) };
  if (a.resourceType === "User") {
    if (str(d.userName)) data.userName = str(d.userName);
    const type = userType(a);
    if (!type) return [];
    const attributes = list(d.changed);
    if (attributes && type !== "user.created") data.attributes = attributes;
    if (typeof d.active === "boolean") data.active = d.active;
    if (type === "user.roles_changed") {
      data.roles = roleList(d.after);
      data.previousRoles = roleList(d.before);
    }
    return [{ ...base, id: a.id, seq: outboxRowid * SEQ_PER_ROW, type, data }];
  }
  if (str(d.displayName)) data.displayName = str(d.displayName);
  switch (a.action) {
    case "create":
      return [{ ...base, id: a.id, seq: outboxRowid * SEQ_PER_ROW, type: "group.created", data }];
    case "delete":
      return [{ ...base, id: a.id, seq: outboxRowid * SEQ_PER_ROW, type: "group.deleted", data }];
    case "update": {
      const attributes = list(d.changed) ?? [];
      const type: EventType = attributes.includes("displayName") ? "group.renamed" : "group.modified";
      return [{ ...base, id: a.id, seq: outboxRowid * SEQ_PER_ROW, type, data: { ...data, attributes } }];
    }
    case "membership": {
      const out: SecurityEvent[] = [];
      if (num(d.added) > 0) {
        const memberIds = list(d.addedIds) ?? [];
        out.push({
          ...base,
          id: a.id,
          seq: outboxRowid * SEQ_PER_ROW,
          type: "group.members_added",
          data: { ...data, attributes: ["members"], added: num(d.added), memberIds },
        });
      }
      if (num(d.removed) > 0) {
        const memberIds = list(d.removedIds) ?? [];
        out.push({
          ...base,
          // A change that both added and removed members is two events; the second's id is derived, so stable too.
          id: out.length ? `${a.id}:removed` : a.id,
          seq: outboxRowid * SEQ_PER_ROW + 1,
          type: "group.members_removed",
          data: { ...data, attributes: ["members"], removed: num(d.removed), memberIds },
        });
      }
      return out;
    }
    default:
      return [];
  }
}

function userType(a: AuditEvent): EventType | undefined {
  const d = a.detail;
  switch (a.action) {
    case "create":
      return "user.created";
    case "takeover":
      return "user.taken_over";
    case "hard-delete":
      return "user.hard_deleted";
    case "roles":
      return "user.roles_changed";
    case "disable":
      return d.request === "DELETE" ? "user.deleted" : "user.deactivated";
    // A SCIM DELETE in the tenant's `delete` mode: the user is gone, a tombstone stays.
    case "delete":
      return "user.deleted";
    case "enable":
      return "user.activated";
    case "update": {
      // An entry written before "enable" existed (an outbox row still to be sent when the Worker was updated).
      if (list(d.changed)?.includes("active") && d.active === true) return "user.activated";
      return d.request === "PUT" ? "user.replaced" : "user.modified";
    }
    default:
      return undefined;
  }
}
