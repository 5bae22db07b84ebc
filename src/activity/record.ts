import type { OutboxEvent } from "../events/types";
import { groupProperties, modifiedProperties } from "./changes";
import type { ActivityNote } from "./note";
import type { Reason } from "../scim/reasons";
import { failureReason } from "./reasons";
import { redactBody, redactQuery } from "./redact";
import type { ActivityOp, ActivityRecord } from "../platform/queue";

/** Everything the record is built from, taken from the request when its answer is ready. */
export interface RequestFacts {
  id: string;
  started: number;
  durationMs: number;
  method: string;
  url: string;
  /** `/t/<tenant>/scim/v2`: what the recorded path is relative to. */
  basePath: string;
  status: number;
  scimType: string | null;
  detail: string | null;
  /** The code the error was raised with (scim/reasons.ts), if any. */
  errorReason: Reason | null;
  location: string | null;
  tokenId: string | null;
  body: string | null;
  requestBytes: number | null;
  note: ActivityNote | undefined;
  events: OutboxEvent[];
}

const RESOURCE = /^\/(Users|Groups)(?:\/([^/]+))?/;
const IDENTITY_CAP = 256;
/** Entra's lookups: `userName eq "…"`, `externalId eq "…"`, `displayName eq "…"` (also with `+` for spaces). */
const EQ_FILTER = /^\s*(userName|externalId|displayName|id)\s+eq\s+"((?:[^"\\]|\\.)*)"\s*$/i;

const capped = (v: unknown) => (typeof v === "string" && v !== "" ? v.slice(0, IDENTITY_CAP) : null);

function opOf(method: string, path: string): ActivityOp {
  if (method === "GET" || path.endsWith("/.search")) return "read";
  if (method === "POST" && /^\/(Users|Groups)\/?$/.test(path)) return "create";
  if (method === "PUT" || method === "PATCH") return "update";
  if (method === "DELETE") return "delete";
  return "other";
}

function parseJson(text: string | null): Record<string, unknown> | undefined {
  if (!text) return undefined;
  try {
    const v = JSON.parse(text);
    return v && typeof v === "object" && !Array.isArray(v) ? v : undefined;
  } catch {
    return undefined;
  }
}

export function buildRecord(f: RequestFacts): ActivityRecord {
  const url = new URL(f.url);
  const path = url.pathname.startsWith(f.basePath) ? url.pathname.slice(f.basePath.length) || "/" : url.pathname;
  const m = RESOURCE.exec(path);
  const resourceType = m?.[1] === "Users" ? "User" : m?.[1] === "Groups" ? "Group" : null;
  const op = opOf(f.method, path);
  let resourceId = m?.[2] && m[2] !== ".search" ? safeDecode(m[2]) : null;
  if (op === "create" && f.location) resourceId = safeDecode(f.location.slice(f.location.lastIndexOf("/") + 1));
  // Who the request concerned: the stored user when the service saw it, else what the request said.
  const body = parseJson(f.body);
  const doc = f.note?.after ?? f.note?.before ?? body ?? {};
  const groupEvent = f.events.find((e) => e.kind === "audit" && e.resourceType === "Group");
  // POST /.search carries its filter in the body.
  const filter = EQ_FILTER.exec(
    url.searchParams.get("filter") ?? (typeof body?.filter === "string" ? body.filter : ""),
  );
  const byFilter = (attr: string) =>
    filter && filter[1].toLowerCase() === attr.toLowerCase() ? filter[2].replace(/\\(.)/g, "$1") : null;
  const displayName =
    capped(doc.displayName) ??
    capped(groupEvent?.kind === "audit" ? groupEvent.detail.displayName : null) ??
    capped(byFilter("displayName"));
  return {
    id: f.id,
    at: new Date(f.started).toISOString(),
    method: f.method,
    path: path.slice(0, 512),
    query: redactQuery(url.search),
    status: f.status,
    scimType: f.scimType,
    detail: f.detail?.slice(0, 1000) ?? null,
    reason: failureReason(f.status, f.scimType, f.errorReason),
    durationMs: Math.max(0, Math.round(f.durationMs)),
    op,
    resourceType,
    resourceId: (resourceId ?? byFilter("id"))?.slice(0, 200) ?? null,
    userName: resourceType === "Group" ? null : (capped(doc.userName) ?? capped(byFilter("userName"))),
    externalId: capped(doc.externalId) ?? capped(byFilter("externalId")),
    displayName,
    tokenId: f.tokenId,
    changes: f.note ? modifiedProperties(f.note) : groupProperties(f.events),
    request: f.body === null ? null : redactBody(f.body),
    requestBytes: f.requestBytes,
  };
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
