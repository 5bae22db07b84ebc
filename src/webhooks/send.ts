import { jsonBody, setClaims } from "./payload";
import { type SigningKey, signSet, standardSignature } from "./sign";
import type { SecurityEvent } from "./types";
import { webhookUrlProblem } from "./url";

/** Outbound limits: an endpoint answers within this, and at most this much of its answer is read. */
export const SEND_TIMEOUT_MS = 5_000;
export const MAX_ANSWER_BYTES = 4_096;

export interface Endpoint {
  id: string;
  url: string;
  format: "set" | "json";
  secret: string | null;
  issuer: string;
}

export interface Attempt {
  /** The answer's status; null when none came (timeout, refused connection). */
  status: number | null;
  ok: boolean;
  latencyMs: number;
  /** Why it failed, never with a secret or the body sent. */
  error: string | null;
}

export interface SendOptions {
  /** The loopback exception of local runs (src/webhooks/url.ts), as the Worker runs now, not as when the URL was saved. */
  allowLoopbackHttp: boolean;
  fetcher?: typeof fetch;
}

/**
 * One POST of one event (at least once: the receiver drops repeats by `jti` / `webhook-id`).
 * The URL is checked again first, as when it was saved: a URL saved under other rules (the
 * loopback exception of a local run, a restored or copied database) is not sent to, and the
 * attempt says why.
 * Redirects are not followed (a 3xx is a failure), the answer is read up to 4 KB and dropped,
 * 5 s at most. A SET is accepted with 202 (RFC 8935 §2.2), a JSON event with any 2xx.
 */
export async function sendEvent(
  endpoint: Endpoint,
  event: SecurityEvent,
  key: Pick<SigningKey, "kid" | "privateJwk"> | null,
  opts: SendOptions,
): Promise<Attempt> {
  const problem = webhookUrlProblem(endpoint.url, opts.allowLoopbackHttp);
  if (problem) return { status: null, ok: false, latencyMs: 0, error: `not sent: ${problem}` };
  const fetcher = opts.fetcher ?? fetch;
  const nowSec = Math.floor(Date.now() / 1000);
  const headers: Record<string, string> = {};
  let body: string;
  if (endpoint.format === "set") {
    if (!key) return { status: null, ok: false, latencyMs: 0, error: "the signing key could not be opened" };
    body = await signSet(key, setClaims(event, endpoint.issuer, endpoint.url, nowSec));
    headers["content-type"] = "application/secevent+jwt";
    headers.accept = "application/json";
  } else {
    if (!endpoint.secret)
      return { status: null, ok: false, latencyMs: 0, error: "the signing secret could not be opened" };
    body = jsonBody(event);
    headers["content-type"] = "application/json";
    headers["webhook-id"] = event.id;
    headers["webhook-timestamp"] = String(nowSec);
    headers["webhook-signature"] = await standardSignature(endpoint.secret, event.id, nowSec, body);
  }
  const started = Date.now();
  try {
    const res = await fetcher(endpoint.url, {
      method: "POST",
      headers,
      body,
      redirect: "manual",
      signal: AbortSignal.timeout(SEND_TIMEOUT_MS),
    });
    const answer = await readCapped(res);
    const latencyMs = Date.now() - started;
    const ok = endpoint.format === "set" ? res.status === 202 : res.status >= 200 && res.status < 300;
    if (ok) return { status: res.status, ok, latencyMs, error: null };
    return { status: res.status, ok, latencyMs, error: failure(res, answer) };
  } catch (e) {
    const latencyMs = Date.now() - started;
    const name = (e as Error)?.name;
    const error =
      name === "TimeoutError" || name === "AbortError"
        ? `no answer within ${SEND_TIMEOUT_MS / 1000} s`
        : `connection failed: ${String((e as Error)?.message ?? e).slice(0, 200)}`;
    return { status: null, ok: false, latencyMs, error };
  }
}

function failure(res: Response, answer: string): string {
  if (res.status >= 300 && res.status < 400) return `redirect not followed (HTTP ${res.status})`;
  // RFC 8935 §2.3: a refused SET says why in {"err", "description"}.
  try {
    const parsed = JSON.parse(answer) as { err?: unknown; description?: unknown };
    if (typeof parsed.err === "string") {
      const why = typeof parsed.description === "string" ? `: ${parsed.description}` : "";
      return `HTTP ${res.status} ${parsed.err}${why}`.slice(0, 300);
    }
  } catch {
    // not JSON: the status says enough
  }
  return `HTTP ${res.status}`;
}

/** Reads at most MAX_ANSWER_BYTES of the answer, then lets the rest go. */
async function readCapped(res: Response): Promise<string> {
  if (!res.body) return "";
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    while (size < MAX_ANSWER_BYTES) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.byteLength;
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
  const all = new Uint8Array(Math.min(size, MAX_ANSWER_BYTES));
  let at = 0;
  for (const c of chunks) {
    const part = c.subarray(0, all.length - at);
    all.set(part, at);
    at += part.length;
    if (at >= all.length) break;
  }
  return new TextDecoder().decode(all);
}
