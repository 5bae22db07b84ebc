/**
 * Issue 18: a tenant database whose next round trip carries the request's token check. Until the
 * guard has passed once, every batch() and every first()/all()/run() of a statement goes to D1
 * as ONE batch led by the guard statement (one-trip.ts); the guard's failure aborts the batch, so
 * nothing the request wrote or read is kept or shown. After the guard passed, calls go straight
 * through.
 */

/** The guard refused the batch, or the batch failed before the verdict was known: check the classic way. */
export class GuardFailed extends Error {
  constructor(override readonly cause: unknown) {
    super("the one-trip token check did not pass");
  }
}

/** A constraint can fail only in a statement after the guard, which therefore passed. */
const AFTER_GUARD = /UNIQUE constraint failed/;

export function guardedD1(db: D1Database, guard: () => D1PreparedStatement, onPassed: () => void): D1Database {
  let passed = false;
  const real = new WeakMap<object, D1PreparedStatement>();

  async function guarded(stmts: D1PreparedStatement[]): Promise<D1Result[]> {
    let results: D1Result[];
    try {
      results = await db.batch([guard(), ...stmts]);
    } catch (e) {
      if (!AFTER_GUARD.test(String((e as Error)?.message ?? e))) throw new GuardFailed(e);
      pass();
      throw e;
    }
    pass();
    return results.slice(1);
  }
  function pass() {
    if (passed) return;
    passed = true;
    onPassed();
  }

  const wrap = (stmt: D1PreparedStatement): D1PreparedStatement => {
    const proxy = new Proxy(stmt, {
      get(target, prop) {
        if (prop === "bind") return (...args: unknown[]) => wrap(target.bind(...args));
        if (!passed && (prop === "all" || prop === "run")) return async () => (await guarded([target]))[0];
        if (!passed && prop === "first") {
          return async (column?: string) => {
            const row = ((await guarded([target]))[0].results[0] as Record<string, unknown> | undefined) ?? null;
            return column === undefined || row === null ? row : (row[column] ?? null);
          };
        }
        if (!passed && prop === "raw") {
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

  return new Proxy(db, {
    get(target, prop) {
      if (prop === "prepare") return (sql: string) => wrap(target.prepare(sql));
      if (prop === "batch") {
        return (stmts: D1PreparedStatement[]) => {
          const reals = stmts.map((s) => real.get(s) ?? s);
          return passed ? target.batch(reals) : guarded(reals);
        };
      }
      if (prop === "exec") {
        return async (sql: string) => {
          if (!passed) await guarded([]);
          return target.exec(sql);
        };
      }
      const v = Reflect.get(target, prop, target);
      return typeof v === "function" ? v.bind(target) : v;
    },
  });
}
