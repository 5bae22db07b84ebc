import { ScimError } from "../scim/errors";

/**
 * A tenant database whose every round trip carries the request's token check, in the same D1
 * batch (so it costs no round trip): every batch() and every first()/all()/run() of a statement
 * goes to D1 as ONE batch led by a guard statement (one-trip.ts), whose failure aborts the batch
 * (D1 runs a batch as one transaction), so nothing the request writes in it is kept.
 *
 * Before the token is known good, the guard is the full one (token row current AND
 * tenant state unchanged); its failure means "check the classic way and run again"
 * (GuardFailed). After it passed (or after a classic check), every later round trip carries the
 * token-only guard: a rotation or revocation committed between two trips of one request stops
 * its later writes at once (TokenRevoked), instead of letting a retry loop commit them.
 */

/** The one-trip guard refused the request's first batch: check the token the classic way, then run again. */
export class GuardFailed extends Error {
  constructor(override readonly cause: unknown) {
    super("the one-trip token check did not pass");
  }
}

/**
 * The first batch failed for another reason (D1 unavailable): whether the token is good is not
 * known, so the request is not run again as if its token had failed; it is answered "could not
 * be checked" (503).
 */
export class GuardUnchecked extends Error {
  constructor(override readonly cause: unknown) {
    super("the one-trip token check could not run");
  }
}

/**
 * The token was revoked or rotated while its request ran: the rest of the request is refused
 * (401, the gate answers it as any refusal), and nothing of the refused batch was kept.
 */
export class TokenRevoked extends ScimError {
  constructor(override readonly cause: unknown) {
    super(401, "Authentication failed: a valid bearer token for this tenant is required.");
  }
}

/**
 * What the guard statement raises when it refuses: SQLite's overflow of abs() on the smallest
 * 64-bit integer. Recognised by itself, not by exclusion: any other failure of a guarded batch
 * (a constraint of a later statement, D1 unavailable) is the request's own error.
 */
const GUARD_REFUSED = /\binteger overflow\b/;

/** A later statement's constraint failed: the guard, which D1 ran first in the batch, passed. */
const AFTER_GUARD = /\bconstraint failed\b/;

export const isGuardRefusal = (e: unknown) => GUARD_REFUSED.test(String((e as Error)?.message ?? e));

export interface Guards {
  /** The guard before the token is known good (token and tenant state); absent when already checked. */
  first?: () => D1PreparedStatement;
  /** The guard of every round trip after that: the token's row is still current. */
  later: () => D1PreparedStatement;
  /** Runs once, when `first` passed, before the caller sees any result. */
  onPassed?: () => void;
}

/** Guarded databases whose first guard has not passed yet: their request's token is not known good. */
const awaitingVerdict = new WeakSet<object>();

/**
 * The re-run contract (http/tenant.ts, TenantGate.run): a request on the one-trip way may be run
 * again from scratch, so nothing may leave it (a Durable Object call, a Queue send) before its
 * guard passed. Senders call this; it throws when `db` still awaits its verdict.
 */
export function assertTokenKnownGood(db: D1Database): void {
  if (awaitingVerdict.has(db)) throw new Error("a send before the request's token was known good");
}

export function guardedD1(db: D1Database, guards: Guards): D1Database {
  let passed = guards.first === undefined;
  const real = new WeakMap<object, D1PreparedStatement>();

  async function guarded(stmts: D1PreparedStatement[]): Promise<D1Result[]> {
    const before = passed;
    let results: D1Result[];
    try {
      results = await db.batch([before ? guards.later() : (guards.first as () => D1PreparedStatement)(), ...stmts]);
    } catch (e) {
      if (isGuardRefusal(e)) throw before ? new TokenRevoked(e) : new GuardFailed(e);
      if (AFTER_GUARD.test(String((e as Error)?.message ?? e))) pass();
      throw passed ? e : new GuardUnchecked(e);
    }
    pass();
    return results.slice(1);
  }
  function pass() {
    if (passed) return;
    passed = true;
    awaitingVerdict.delete(proxy);
    guards.onPassed?.();
  }

  const wrap = (stmt: D1PreparedStatement): D1PreparedStatement => {
    const proxy = new Proxy(stmt, {
      get(target, prop) {
        if (prop === "bind") return (...args: unknown[]) => wrap(target.bind(...args));
        if (prop === "all" || prop === "run") return async () => (await guarded([target]))[0];
        if (prop === "first") {
          return async (column?: string) => {
            const row = ((await guarded([target]))[0].results[0] as Record<string, unknown> | undefined) ?? null;
            return column === undefined || row === null ? row : (row[column] ?? null);
          };
        }
        if (prop === "raw") {
          return async (...args: unknown[]) => {
            await guarded([]);
            return (target.raw as (...a: unknown[]) => unknown).apply(target, args);
          };
        }
        const v = Reflect.get(target, prop, target);
        return typeof v === "function" ? v.bind(target) : v;
      },
    });
    real.set(proxy, stmt);
    return proxy;
  };

  const proxy = new Proxy(db, {
    get(target, prop) {
      if (prop === "prepare") return (sql: string) => wrap(target.prepare(sql));
      if (prop === "batch") return (stmts: D1PreparedStatement[]) => guarded(stmts.map((s) => real.get(s) ?? s));
      if (prop === "exec") {
        return async (sql: string) => {
          await guarded([]);
          return target.exec(sql);
        };
      }
      const v = Reflect.get(target, prop, target);
      return typeof v === "function" ? v.bind(target) : v;
    },
  });
  if (!passed) awaitingVerdict.add(proxy);
  return proxy;
}
