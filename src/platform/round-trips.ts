/**
 * A D1 database that counts its round trips (an awaited batch(), first(), all(), run(), raw() or
 * exec(): what test/worker/round-trips.test.ts counts), for the request's metrics data point
 * (fleet/metrics.ts). Otherwise it is the database itself: statements are D1's own, unwrapped
 * again before a batch, because D1's batch() accepts only its own statement objects.
 */
export interface CountedD1 {
  db: D1Database;
  trips(): number;
}

const TRIP_METHODS = new Set<PropertyKey>(["first", "all", "run", "raw"]);

export function countedD1(db: D1Database): CountedD1 {
  let trips = 0;
  const real = new WeakMap<object, D1PreparedStatement>();
  const wrap = (stmt: D1PreparedStatement): D1PreparedStatement => {
    const proxy = new Proxy(stmt, {
      get(target, prop) {
        if (prop === "bind") return (...args: unknown[]) => wrap(target.bind(...args));
        const v = Reflect.get(target, prop, target);
        if (typeof v !== "function") return v;
        if (!TRIP_METHODS.has(prop)) return v.bind(target);
        return (...args: unknown[]) => {
          trips++;
          return (v as (...a: unknown[]) => unknown).apply(target, args);
        };
      },
    });
    real.set(proxy, stmt);
    return proxy;
  };
  const counted = new Proxy(db, {
    get(target, prop) {
      if (prop === "prepare") return (sql: string) => wrap(target.prepare(sql));
      if (prop === "batch")
        return (stmts: D1PreparedStatement[]) => {
          trips++;
          return target.batch(stmts.map((s) => real.get(s) ?? s));
        };
      if (prop === "exec")
        return (sql: string) => {
          trips++;
          return target.exec(sql);
        };
      const v = Reflect.get(target, prop, target);
      return typeof v === "function" ? v.bind(target) : v;
    },
  });
  return { db: counted, trips: () => trips };
}
