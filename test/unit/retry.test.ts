import { describe, expect, it } from "vitest";
import type { GroupChange } from "../../src/groups/changes";
import { isIdempotent } from "../../src/membership/sequencer";
import { BACKOFF_BASE_MS, MAX_ATTEMPTS, withRetries } from "../../src/platform/retry";

/** Errors as the Workers runtime flags them on a failed Durable Object call. */
const platformError = (flags: { retryable?: boolean; overloaded?: boolean }) =>
  Object.assign(new Error("Network connection lost."), flags);

/** A call failing with `errors` in turn, then answering "ok"; counts its attempts. */
function flaky(errors: unknown[]) {
  let attempts = 0;
  return {
    call: async () => {
      const e = errors[attempts++];
      if (e !== undefined) throw e;
      return "ok";
    },
    attempts: () => attempts,
  };
}

describe("Durable Object calls: retries of transient failures", () => {
  it("retries a retryable error of an idempotent call, with jittered exponential backoff", async () => {
    const f = flaky([platformError({ retryable: true }), platformError({ retryable: true })]);
    const waits: number[] = [];
    expect(await withRetries(f.call, true, async (ms) => void waits.push(ms))).toBe("ok");
    expect(f.attempts()).toBe(3);
    expect(waits).toHaveLength(2);
    waits.forEach((ms, i) => {
      expect(ms).toBeGreaterThanOrEqual(0);
      expect(ms).toBeLessThan(BACKOFF_BASE_MS * 2 ** (i + 1));
    });
  });

  it("gives up after MAX_ATTEMPTS with the last error", async () => {
    const errors = Array.from({ length: MAX_ATTEMPTS }, () => platformError({ retryable: true }));
    const f = flaky(errors);
    await expect(withRetries(f.call, true, async () => {})).rejects.toBe(errors[MAX_ATTEMPTS - 1]);
    expect(f.attempts()).toBe(MAX_ATTEMPTS);
  });

  it.each([
    ["an overloaded object", platformError({ retryable: true, overloaded: true }), true],
    ["an error of our own code (no flags)", new Error("bug"), true],
    ["a call that is not idempotent", platformError({ retryable: true }), false],
  ])("does not retry %s", async (_name, error, idempotent) => {
    const f = flaky([error]);
    await expect(withRetries(f.call, idempotent, async () => {})).rejects.toBe(error);
    expect(f.attempts()).toBe(1);
  });

  it("treats PATCH, PUT and a user's removal as idempotent, not DELETE or an If-Match write", () => {
    const plan = { add: ["u1"], remove: [], removeAllMembers: false, other: [] };
    const cases: [GroupChange, boolean][] = [
      [{ kind: "patch", plan }, true],
      [{ kind: "replace", doc: { displayName: "x" }, members: ["u1"] }, true],
      [{ kind: "remove-user", userId: "u1" }, true],
      [{ kind: "delete" }, false],
      [{ kind: "patch", plan, pre: { ifMatch: 'W/"3"' } }, false],
      [{ kind: "replace", doc: { displayName: "x" }, pre: { ifMatch: 'W/"3"' } }, false],
      [{ kind: "replace", doc: { displayName: "x" }, pre: { ifNoneMatch: "*" } }, false],
    ];
    for (const [change, expected] of cases) expect(isIdempotent(change), change.kind).toBe(expected);
  });
});
