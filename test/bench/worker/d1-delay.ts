/**
 * Issue 18: an emulated distance between the Worker and its D1 primary, for `npm run bench --
 * --d1-rtt MS` only. On this machine local D1 is SQLite in the same process and a round trip
 * costs microseconds, so removing one shows nothing; on Cloudflare each one crosses to where the
 * database lives. This waits MS before every round trip (an awaited batch(), first(), all(),
 * run(), raw() or exec(), the unit test/worker/round-trips.test.ts counts), on every tenant
 * database the Worker's fetch handler reaches, the bench's bare routes included. The group
 * Durable Object and the queue consumer get the runtime's env and are not delayed.
 */

const sleep = (ms: number) => new Promise<void>((ok) => setTimeout(ok, ms));

const isD1 = (v: unknown): v is D1Database =>
  typeof v === "object" &&
  v !== null &&
  typeof (v as D1Database).prepare === "function" &&
  typeof (v as D1Database).batch === "function";

function delayedD1(db: D1Database, ms: number): D1Database {
  // D1's batch() takes its own statement objects, so a wrapped statement is mapped back to it.
  const real = new WeakMap<object, D1PreparedStatement>();
  const wrap = (stmt: D1PreparedStatement): D1PreparedStatement => {
    const proxy = new Proxy(stmt, {
      get(target, prop) {
        if (prop === "bind") return (...args: unknown[]) => wrap(target.bind(...args));
        if (prop === "first" || prop === "all" || prop === "run" || prop === "raw") {
          const fn = Reflect.get(target, prop, target) as (...a: unknown[]) => Promise<unknown>;
          return async (...args: unknown[]) => {
            await sleep(ms);
            return fn.apply(target, args);
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
        return async (stmts: D1PreparedStatement[]) => {
          await sleep(ms);
          return target.batch(stmts.map((s) => real.get(s) ?? s));
        };
      }
      if (prop === "exec") {
        return async (sql: string) => {
          await sleep(ms);
          return target.exec(sql);
        };
      }
      const v = Reflect.get(target, prop, target);
      return typeof v === "function" ? v.bind(target) : v;
    },
  });
}

const cache = new WeakMap<object, object>();

/** The env with every D1 binding delayed by `ms` per round trip; the same object per env. */
export function withD1Delay<E extends object>(env: E, ms: number): E {
  if (!(ms > 0)) return env;
  const known = cache.get(env);
  if (known) return known as E;
  const delayed = new Map<PropertyKey, D1Database>();
  const out = new Proxy(env, {
    get(target, prop) {
      const v = Reflect.get(target, prop, target);
      if (!isD1(v)) return v;
      let d = delayed.get(prop);
      if (!d) delayed.set(prop, (d = delayedD1(v, ms)));
      return d;
    },
  });
  cache.set(env, out);
  return out;
}
