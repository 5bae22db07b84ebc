import { SECRET_PREFIXES } from "../tenants/tokens";

/**
 * What of a request is kept on record. The record is read by the tenant's admins, so nothing
 * that could be a credential is kept, and its size is bounded whatever the client sent.
 */

/** The cap on a stored request body (bytes of JSON text). */
export const REQUEST_CAP_BYTES = 8 * 1024;
/** Cap on a recorded query string (characters). */
export const QUERY_CAP_CHARS = 1024;
export const REDACTED = "[redacted]";

/** Two passes: the first keeps more of each value; the second applies when the first is over the cap. */
const LOOSE = { string: 256, array: 20, keys: 60, depth: 8 };
const TIGHT = { string: 64, array: 5, keys: 20, depth: 4 };
type Limits = typeof LOOSE;

/** Attribute and parameter names that carry secrets (SCIM `password`, OAuth, API keys). */
const SECRET_NAME = /pass(word)?|secret|token|credential|api[-_]?key|private[-_]?key|pwd|authorization/i;
/** A token of ours (tenants/tokens.ts prefixes), also when cut short. */
const OUR_TOKEN = new RegExp(`^(${SECRET_PREFIXES.join("|")})[A-Za-z0-9_-]{20,}$`);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * A value that looks like a credential: our own token format, a bearer header, a JWT, or a
 * long opaque string mixing letters and digits (API keys, hashes). UUIDs are ids, not secrets.
 */
export function looksSecret(s: string): boolean {
  const v = s.trim();
  if (OUR_TOKEN.test(v) || /^bearer\s/i.test(v)) return true;
  if (/^eyJ[\w-]+\.[\w-]+\./.test(v)) return true;
  if (v.length < 32 || UUID.test(v) || !/^[A-Za-z0-9+/_=.~-]+$/.test(v)) return false;
  return /[0-9]/.test(v) && /[A-Za-z]/.test(v);
}

function cut(s: string, max: number): string {
  return s.length > max ? `${s.slice(0, max)}…(+${s.length - max} chars)` : s;
}

/** Secrets replaced, long strings, arrays and objects shortened, depth bounded. */
export function redactValue(v: unknown, limits: Limits = LOOSE, depth = 0): unknown {
  if (typeof v === "string") return looksSecret(v) ? REDACTED : cut(v, limits.string);
  if (v === null || typeof v !== "object") return v;
  if (depth >= limits.depth) return "[…]";
  if (Array.isArray(v)) {
    const kept = v.slice(0, limits.array).map((x) => redactValue(x, limits, depth + 1));
    return v.length > limits.array ? [...kept, `… ${v.length - limits.array} more`] : kept;
  }
  const entries = Object.entries(v);
  const out: Record<string, unknown> = {};
  for (const [k, x] of entries.slice(0, limits.keys)) {
    out[cut(k, limits.string)] = SECRET_NAME.test(k) ? REDACTED : redactValue(x, limits, depth + 1);
  }
  if (entries.length > limits.keys) out["…"] = `${entries.length - limits.keys} more attributes`;
  return out;
}

const bytes = (s: string) => new TextEncoder().encode(s).byteLength;

/**
 * The body as stored: redacted JSON text at most REQUEST_CAP_BYTES long. A body that is not
 * JSON is kept as a short string with secret-looking words replaced.
 */
export function redactBody(text: string): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    const words = text.slice(0, 2 * LOOSE.string).replace(/\S+/g, (w) => (looksSecret(w) ? REDACTED : w));
    return JSON.stringify({ unparsed: cut(words, LOOSE.string) });
  }
  for (const limits of [LOOSE, TIGHT]) {
    const s = JSON.stringify(redactValue(parsed, limits));
    if (bytes(s) <= REQUEST_CAP_BYTES) return s;
  }
  const s = JSON.stringify(redactValue(parsed, TIGHT));
  // Still over the cap (thousands of keys' worth of nesting): a prefix of the text, marked.
  return JSON.stringify({ truncated: true, head: s.slice(0, REQUEST_CAP_BYTES / 2) });
}

/** The query string, decoded for reading, with secret-looking parameters replaced and capped. */
export function redactQuery(search: string): string | null {
  if (!search || search === "?") return null;
  const parts: string[] = [];
  for (const [k, v] of new URLSearchParams(search)) {
    const value = SECRET_NAME.test(k) || looksSecret(v) ? REDACTED : cut(v, LOOSE.string);
    parts.push(`${cut(k, 64)}=${value}`);
  }
  return cut(parts.join("&"), QUERY_CAP_CHARS);
}
