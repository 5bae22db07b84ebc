import type { Env } from "../platform/env";
import { sealerFor } from "../platform/seal";
import type { DispatchOptions } from "./dispatch";

/** The loopback exception for local runs (src/webhooks/url.ts); wrangler.toml never sets it. */
export const allowsLoopbackHttp = (env: Env) => env.WEBHOOKS_ALLOW_LOOPBACK_HTTP === "1";

/** Dispatch settings from the Worker's vars: the retry base only in tests (it shortens 30 s). */
export function dispatchOptions(env: Env, tenant: string, budgetMs: number): DispatchOptions {
  const base = Number(env.WEBHOOKS_RETRY_BASE_MS);
  return {
    budgetMs,
    sealer: sealerFor(env.SEAL_KEYS, tenant),
    allowLoopbackHttp: allowsLoopbackHttp(env),
    ...(Number.isInteger(base) && base > 0 ? { retryBaseMs: base } : {}),
  };
}
