import { BULK_REF_PREFIX, type BulkOperation } from "./bulk-request";

/**
 * RFC 7644 3.7.2: an operation names a resource created earlier in the same request as
 * `bulkId:<id>`: as a whole value (`"value": "bulkId:qwerty"` of a member, a manager), as the
 * resource of its path (`/Groups/bulkId:ytrewq`), or quoted inside a PATCH path's filter
 * (`members[value eq "bulkId:qwerty"]`). Nothing else is read as a reference, so a userName that
 * merely contains the text stays as it is.
 */
const WHOLE = /^bulkId:([^\s"]+)$/;
const QUOTED = /"bulkId:([^\s"]+)"/g;
/** Nesting beyond this is not walked (a body is at most 2 MiB; a document is far shallower). */
const MAX_DEPTH = 64;

/** The bulkIds an operation refers to, in first-seen order. */
export function referencesOf(op: BulkOperation): string[] {
  const found = new Set<string>();
  const fromString = (s: string) => {
    const whole = WHOLE.exec(s);
    if (whole) found.add(whole[1]);
    for (const m of s.matchAll(QUOTED)) found.add(m[1]);
  };
  if (op.target !== undefined) fromString(op.target);
  walk(op.data, 0, fromString);
  return [...found];
}

function walk(v: unknown, depth: number, onString: (s: string) => void): void {
  if (depth > MAX_DEPTH) return;
  if (typeof v === "string") onString(v);
  else if (Array.isArray(v)) for (const x of v) walk(x, depth + 1, onString);
  else if (v !== null && typeof v === "object") for (const x of Object.values(v)) walk(x, depth + 1, onString);
}

/** The operation with every reference replaced by the id `resolve` gives (all must resolve). */
export function withReferencesResolved(op: BulkOperation, resolve: (bulkId: string) => string): BulkOperation {
  const replace = (s: string) => {
    const whole = WHOLE.exec(s);
    if (whole) return resolve(whole[1]);
    return s.includes(`"${BULK_REF_PREFIX}`) ? s.replace(QUOTED, (_, id: string) => `"${resolve(id)}"`) : s;
  };
  const copy = (v: unknown, depth: number): unknown => {
    if (depth > MAX_DEPTH) return v;
    if (typeof v === "string") return replace(v);
    if (Array.isArray(v)) return v.map((x) => copy(x, depth + 1));
    if (v !== null && typeof v === "object") {
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, copy(x, depth + 1)]));
    }
    return v;
  };
  return {
    ...op,
    ...(op.target !== undefined ? { target: replace(op.target) } : {}),
    ...(op.data !== undefined ? { data: copy(op.data, 0) } : {}),
  };
}
