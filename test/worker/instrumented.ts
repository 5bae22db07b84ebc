import { createExecutionContext, env, waitOnExecutionContext } from "cloudflare:test";
import worker from "../../src/index";
import type { Env } from "../../src/platform/env";

/**
 * The real Worker (src/index.ts) called with its real bindings, some replaced: a different
 * variable (PUBLIC_BASE_URL), or a tenant's real local D1 seen through `tracedD1`.
 */
export async function fetchWorker(req: Request, overrides: Record<string, unknown> = {}): Promise<Response> {
  const ctx = createExecutionContext();
  const incoming = req as Request<unknown, IncomingRequestCfProperties>;
  const res = await worker.fetch(incoming, { ...(env as unknown as Env), ...overrides } as Env, ctx);
  await waitOnExecutionContext(ctx);
  return res;
}

/**
 * A tenant's D1 that records the SQL of every statement it executes (alone or in a batch), in
 * order, and otherwise is the real local database: statements are the real prepared statements,
 * run by the real D1. What is recorded is what ran, not what a mock pretends.
 *
 * `trips` (issue 18) gets one entry per round trip to D1, the SQL it carried: a `batch()` is one,
 * so is each `first()`, `all()`, `run()`, `raw()` or `exec()` of its own.
 */
export function tracedD1(db: D1Database, executed: string[], trips: string[][] = []): D1Database {
  const real = new WeakMap<object, { stmt: D1PreparedStatement; sql: string }>();
  const wrap = (stmt: D1PreparedStatement, sql: string): D1PreparedStatement => {
    const proxy = new Proxy(stmt, {
      get(target, prop) {
        if (prop === "bind") return (...args: unknown[]) => wrap(target.bind(...args), sql);
        if (prop === "first" || prop === "all" || prop === "run" || prop === "raw") {
          return (...args: unknown[]) => {
            executed.push(sql);
            trips.push([sql]);
            return (target[prop] as (...a: unknown[]) => unknown).apply(target, args);
          };
        }
        const v = Reflect.get(target, prop, target);
        return typeof v === "function" ? v.bind(target) : v;
      },
    });
    real.set(proxy, { stmt, sql });
    return proxy;
  };
  return new Proxy(db, {
    get(target, prop) {
      if (prop === "prepare") return (sql: string) => wrap(target.prepare(sql), sql);
      if (prop === "batch") {
        return (stmts: D1PreparedStatement[]) => {
          const reals = stmts.map((s) => {
            const r = real.get(s);
            if (!r) throw new Error("a statement not prepared through the traced database");
            executed.push(r.sql);
            return r.stmt;
          });
          trips.push(stmts.map((s) => (real.get(s) as { sql: string }).sql));
          return target.batch(reals);
        };
      }
      if (prop === "exec") {
        return (sql: string) => {
          executed.push(sql);
          trips.push([sql]);
          return target.exec(sql);
        };
      }
      const v = Reflect.get(target, prop, target);
      return typeof v === "function" ? v.bind(target) : v;
    },
  });
}
