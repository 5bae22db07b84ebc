/**
 * An endpoint's URL as the audit log and the console list it: without query and fragment, which
 * may carry a receiver's token (no secret in a log or the activity record).
 */
export function redactedUrl(raw: string): string {
  try {
    const u = new URL(raw);
    return `${u.protocol}//${u.host}${u.pathname}${u.search ? "?…" : ""}`;
  } catch {
    return "(not a URL)";
  }
}
