import type { OutboxEvent } from "../events/types";
import { isPlainObject } from "../scim/normalize";
import type { ActivityNote } from "./note";
import { redactValue } from "./redact";
import type { ModifiedProperty } from "../platform/queue";

/** Properties kept per record; a PUT of a whole user changes a few dozen at most. */
const MAX_PROPERTIES = 60;
const MAX_CHANGES_BYTES = 4 * 1024;
const URN = /^urn:/i;

/**
 * Attribute paths as Entra names them in its "Modified properties": `name.givenName`,
 * `urn:…:enterprise:2.0:User:department`; multi-valued attributes (emails) as a whole.
 */
function flatten(doc: Record<string, unknown> | null): Map<string, unknown> {
  const out = new Map<string, unknown>();
  for (const [k, v] of Object.entries(doc ?? {})) {
    if (isPlainObject(v)) {
      for (const [sub, x] of Object.entries(v)) out.set(URN.test(k) ? `${k}:${sub}` : `${k}.${sub}`, x);
    } else out.set(k, v);
  }
  return out;
}

/** Each attribute whose value differs, with its old and new value (redacted like request bodies). */
export function modifiedProperties(note: ActivityNote): ModifiedProperty[] | null {
  if (!note.after) return null;
  const a = flatten(note.before);
  const b = flatten(note.after);
  const props: ModifiedProperty[] = [];
  for (const key of [...new Set([...a.keys(), ...b.keys()])].sort()) {
    const [x, y] = [a.get(key), b.get(key)];
    if (JSON.stringify(x) === JSON.stringify(y)) continue;
    props.push({
      attribute: key,
      ...(note.before ? { old: redactValue(x ?? null) } : {}),
      new: redactValue(y ?? null),
    });
  }
  const kept = props.slice(0, MAX_PROPERTIES);
  // Values too large together: the names still say what changed.
  if (JSON.stringify(kept).length > MAX_CHANGES_BYTES) return kept.map((p) => ({ attribute: p.attribute }));
  return kept;
}

/**
 * Groups change inside their Durable Object; what the request did comes back as its audit
 * events: the membership counts and the names of changed attributes.
 */
export function groupProperties(events: OutboxEvent[]): ModifiedProperty[] | null {
  const props: ModifiedProperty[] = [];
  for (const e of events) {
    if (e.kind !== "audit" || e.resourceType !== "Group") continue;
    const d = e.detail;
    if (e.action === "create")
      props.push(
        { attribute: "displayName", new: d.displayName },
        { attribute: "members", new: { added: d.members ?? 0 } },
      );
    if (e.action === "membership")
      props.push({ attribute: "members", new: { added: d.added ?? 0, removed: d.removed ?? 0 } });
    if (e.action === "update" && Array.isArray(d.changed))
      props.push(
        ...d.changed.map((k) => ({ attribute: String(k), new: k === "displayName" ? d.displayName : undefined })),
      );
  }
  return props.length ? props : null;
}
