import { clock } from "../platform/clock";
import type { Jwk } from "./jwt";

/** A key set is used this long before it is fetched again. */
export const JWKS_TTL_MS = 10 * 60_000;
/**
 * An unknown `kid` refetches the set (the issuer may have rotated), but at most once per this
 * interval per URL: assertions with made-up kids cannot turn the Worker into a fetch loop.
 */
export const JWKS_REFRESH_MIN_INTERVAL_MS = 60_000;
/** Entra's key set is about 10 KB; anything past this is not a key set. */
export const MAX_JWKS_BYTES = 64 * 1024;
export const JWKS_FETCH_TIMEOUT_MS = 5_000;
/** Distinct URLs remembered per isolate (one per federation config in use). */
const CACHE_LIMIT = 256;

interface Entry {
  keys: Jwk[];
  fetchedAt: number;
}

/**
 * Key sets per isolate. Keys are public, so sharing one entry between tenants that trust the
 * same issuer reveals nothing; what a tenant trusts is decided by its D1 config on every request.
 */
const cache = new Map<string, Entry>();
const inflight = new Map<string, Promise<Entry | null>>();

export type JwksLookup = { ok: true; keys: Jwk[] } | { ok: false; reason: string };

/** Keys of the set at `url` that may carry `kid` (all keys when the assertion names none). */
export async function keysFor(url: string, kid: string | undefined): Promise<JwksLookup> {
  const now = clock.now();
  let entry = cache.get(url);
  if (!entry || now - entry.fetchedAt > JWKS_TTL_MS) entry = (await refresh(url)) ?? entry;
  if (!entry) return { ok: false, reason: "the key set could not be fetched" };
  let keys = matching(entry, kid);
  if (keys.length === 0 && now - entry.fetchedAt >= JWKS_REFRESH_MIN_INTERVAL_MS) {
    entry = (await refresh(url)) ?? entry;
    keys = matching(entry, kid);
  }
  return keys.length > 0
    ? { ok: true, keys }
    : { ok: false, reason: kid ? `unknown key id "${kid.slice(0, 64)}"` : "no key in the set" };
}

const matching = (entry: Entry, kid: string | undefined) =>
  kid === undefined ? entry.keys : entry.keys.filter((k) => k.kid === kid);

/** One fetch per URL at a time; a failed fetch keeps what was cached (null when nothing was). */
function refresh(url: string): Promise<Entry | null> {
  const running = inflight.get(url);
  if (running) return running;
  const work = fetchKeySet(url)
    .then((keys) => {
      const entry = { keys, fetchedAt: clock.now() };
      if (!cache.has(url) && cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value as string);
      cache.set(url, entry);
      return entry;
    })
    .catch((e) => {
      console.warn(JSON.stringify({ msg: "JWKS fetch failed", url, error: String(e) }));
      return null;
    })
    .finally(() => inflight.delete(url));
  inflight.set(url, work);
  return work;
}

async function fetchKeySet(url: string): Promise<Jwk[]> {
  // Redirects are not followed: the key set is where the admin said it is (a 3xx is a failure).
  const res = await fetch(url, {
    headers: { Accept: "application/json" },
    redirect: "manual",
    signal: AbortSignal.timeout(JWKS_FETCH_TIMEOUT_MS),
  });
  if (res.status !== 200) throw new Error(`status ${res.status}`);
  const declared = Number(res.headers.get("Content-Length") ?? "0");
  if (declared > MAX_JWKS_BYTES) throw new Error("key set too large");
  const text = await res.text();
  if (text.length > MAX_JWKS_BYTES) throw new Error("key set too large");
  const body = JSON.parse(text) as { keys?: unknown };
  if (!Array.isArray(body?.keys)) throw new Error("not a JWK set");
  return body.keys.filter((k): k is Jwk => k !== null && typeof k === "object" && !Array.isArray(k));
}
