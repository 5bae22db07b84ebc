import type { Context } from "hono";
import { publishQuietly, queueBus } from "../events/outbox";
import type { OutboxEvent } from "../events/types";
import type { AppBindings, Env } from "../platform/env";
import { ScimError } from "../scim/errors";
import { batchingBus } from "./batching-bus";
import { noteOf } from "./note";
import { countUnauthenticated, takeNoise } from "./noise";
import { buildRecord } from "./record";

/** `ACTIVITY = "off"` (a var) turns recording off: the request path is then exactly as without this feature (bench comparison). */
export const recording = (env: Env) => env.ACTIVITY !== "off";

/**
 * The tenant gate's hook after an authenticated SCIM request. Only reads of what the request
 * already holds happen before the response leaves (status, error, headers, the body Hono
 * cached); decoding, redaction and diffing run in the returned promise, which the gate hands
 * to waitUntil. The record travels with the request's events in one Queue message.
 */
export function afterScimRequest(
  c: Context<AppBindings>,
  slug: string,
  started: number,
  tokenId: string | null,
  events: OutboxEvent[],
): Promise<void> {
  if (!recording(c.env)) return publishQuietly(queueBus(c.env.EVENTS), slug, events);
  const durationMs = Date.now() - started;
  const res = c.res;
  const err = c.error instanceof ScimError ? c.error : undefined;
  const errorAnswer = !err && res.status >= 400 ? res.clone() : undefined;
  const cached = c.req.bodyCache.arrayBuffer;
  const facts = {
    id: crypto.randomUUID(),
    started,
    durationMs,
    method: c.req.method,
    url: c.req.url,
    baseUrl: c.var.baseUrl,
    status: res.status,
    location: res.headers.get("Location"),
    tokenId,
    note: noteOf(c.var.t),
    events: [...events],
  };
  const declared = Number(c.req.header("Content-Length") ?? "") || null;
  return (async () => {
    // A macrotask later: the response has been handed to the runtime before any of this runs.
    await new Promise((r) => setTimeout(r, 0));
    let activity;
    try {
      const buf = cached ? await cached : undefined;
      const answer = errorAnswer
        ? await errorAnswer.json<{ scimType?: string; detail?: string }>().catch(() => undefined)
        : undefined;
      const { baseUrl, ...rest } = facts;
      activity = buildRecord({
        ...rest,
        basePath: new URL(baseUrl).pathname,
        scimType: err?.scimType ?? answer?.scimType ?? null,
        detail: err?.detail ?? answer?.detail ?? null,
        errorReason: err?.reason ?? null,
        body: buf ? new TextDecoder().decode(buf) : null,
        requestBytes: buf?.byteLength ?? declared,
      });
    } catch (e) {
      console.warn(JSON.stringify({ msg: "activity record not built", tenant: slug, error: String(e) }));
    }
    await publishQuietly(batchingBus(c.env.EVENTS), slug, events, {
      activity: activity ? [activity] : undefined,
      noise: takeNoise(slug),
    });
  })();
}

/** An unauthenticated SCIM request: counted in this isolate; the counts leave at most once a minute. */
export function afterRefusedRequest(env: Env, slug: string, reason: string): Promise<void> {
  if (!recording(env)) return Promise.resolve();
  const noise = countUnauthenticated(slug, reason);
  return noise ? publishQuietly(batchingBus(env.EVENTS), slug, [], { noise }) : Promise.resolve();
}
