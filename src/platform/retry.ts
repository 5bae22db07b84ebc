/** Attempts in all (the first one included) of a call that may be retried. */
export const MAX_ATTEMPTS = 3;
/** Backoff before attempt n+1: a random delay in [0, BACKOFF_BASE_MS * 2^n) ("full jitter"). */
export const BACKOFF_BASE_MS = 50;

/** What the Workers runtime sets on an infrastructure error of a Durable Object call. */
interface PlatformErrorFlags {
  retryable?: boolean;
  overloaded?: boolean;
}

/**
 * Cloudflare's Durable Objects error-handling guidance: an error with `.retryable` may be retried
 * when the call is idempotent, with exponential backoff; one with `.overloaded` must not be
 * (retrying worsens the overload). Errors our own code throws carry neither flag.
 */
export function isTransient(e: unknown): boolean {
  const flags = (typeof e === "object" && e !== null ? e : {}) as PlatformErrorFlags;
  return flags.retryable === true && flags.overloaded !== true;
}

/**
 * Runs `call` (which must make a new stub each time: a stub may be broken after an error) and,
 * when `idempotent`, retries transient failures with jittered exponential backoff. A call that
 * is not idempotent runs once: a retry could apply it twice or answer differently.
 */
export async function withRetries<T>(call: () => Promise<T>, idempotent: boolean, sleep = defaultSleep): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (e) {
      if (!idempotent || attempt >= MAX_ATTEMPTS || !isTransient(e)) throw e;
      await sleep(Math.random() * BACKOFF_BASE_MS * 2 ** attempt);
    }
  }
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
