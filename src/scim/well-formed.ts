/**
 * A JSON string may escape half of a UTF-16 surrogate pair on its own (`"\ud800"`): valid JSON
 * (RFC 8259 §8.2 leaves it to the receiver), but not text. Stored, it cannot be encoded as UTF-8
 * in a mail header, a CSV export or another system's database, so such a body is refused.
 */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** A `\uD8xx`-`\uDFxx` escape in the raw text: only then can a parsed value hold a lone surrogate. */
const SURROGATE_ESCAPE = /\\u[dD][89a-fA-F]/;

export const isLoneSurrogateFree = (s: string) => !LONE_SURROGATE.test(s);

/** The path of the first string (or key) with a lone surrogate, or null. */
export function loneSurrogateAt(value: unknown, path = ""): string | null {
  if (typeof value === "string") return isLoneSurrogateFree(value) ? null : path || "(the body)";
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const at = loneSurrogateAt(value[i], `${path}[${i}]`);
      if (at) return at;
    }
    return null;
  }
  if (value && typeof value === "object") {
    for (const [k, v] of Object.entries(value)) {
      const key = path ? `${path}.${k}` : k;
      if (!isLoneSurrogateFree(k)) return JSON.stringify(key.slice(0, 100));
      const at = loneSurrogateAt(v, key);
      if (at) return at;
    }
  }
  return null;
}

/** Cheap for every body: the walk runs only when the raw text escapes a surrogate. */
export const mayHoldLoneSurrogate = (text: string) => SURROGATE_ESCAPE.test(text);
