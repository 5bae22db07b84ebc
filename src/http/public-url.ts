import type { Env } from "../platform/env";

/**
 * The origin (and optional path prefix) clients reach this Worker at, for `Location`,
 * `meta.location` and the Tenant URL an admin pastes into Entra. By default the request's own
 * origin; a deployment behind a proxy or on several host names sets PUBLIC_BASE_URL
 * (wrangler.toml) so that no answer reflects whatever Host header a client sent.
 * A value that is not an absolute http(s) URL without query or fragment is ignored (and
 * logged): a misconfiguration must not turn every write into a 500.
 */
export function publicBase(env: Pick<Env, "PUBLIC_BASE_URL">, requestUrl: string): string {
  const configured = env.PUBLIC_BASE_URL?.trim();
  if (configured) {
    const parsed = parseBase(configured);
    if (parsed) return parsed;
    warnOnce(configured);
  }
  return new URL(requestUrl).origin;
}

function parseBase(value: string): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return undefined;
  }
  const web = url.protocol === "https:" || url.protocol === "http:";
  if (!web || url.search || url.hash || url.username || url.password) return undefined;
  return `${url.origin}${url.pathname.replace(/\/+$/, "")}`;
}

let warned = false;
function warnOnce(value: string) {
  if (warned) return;
  warned = true;
  const msg = "PUBLIC_BASE_URL is not an absolute http(s) URL; using the request's origin";
  console.error(JSON.stringify({ msg, value: value.slice(0, 200) }));
}
