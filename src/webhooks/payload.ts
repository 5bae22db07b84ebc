import { SET_EVENT_URI, type SecurityEvent } from "./types";

/** The `json` format's body: the same facts as the SET, as Standard Webhooks suggests (`type`, `timestamp`, `data`). */
export const jsonBody = (e: SecurityEvent) =>
  JSON.stringify({ id: e.id, type: e.type, timestamp: e.created, data: { resourceType: e.resourceType, ...e.data } });

/**
 * RFC 8417 SET claims for RFC 9967: `sub_id` in the `scim` format (the resource's path and
 * externalId), one event keyed by its RFC 9967 URI with the changed attributes for the notice
 * events, `toe` the commit time. `event_type` (private claim) keeps our finer type, e.g. which
 * patch:notice was a rename.
 */
export function setClaims(e: SecurityEvent, issuer: string, audience: string, nowSec: number) {
  const uri = SET_EVENT_URI[e.type];
  const body: Record<string, unknown> = {};
  if (uri.endsWith(":notice") && e.data.attributes) body.attributes = e.data.attributes;
  if (uri.endsWith("create:notice")) body.attributes = e.resourceType === "User" ? ["userName"] : ["displayName"];
  if (e.type === "user.roles_changed") Object.assign(body, { before: e.data.previousRoles, after: e.data.roles });
  return {
    iss: issuer,
    aud: audience,
    jti: e.id,
    iat: nowSec,
    toe: Math.floor(Date.parse(e.created) / 1000),
    sub_id: {
      format: "scim",
      uri: `/${e.resourceType === "User" ? "Users" : "Groups"}/${e.resourceId}`,
      ...(e.externalId ? { externalId: e.externalId } : {}),
    },
    event_type: e.type,
    events: { [uri]: body },
  };
}
