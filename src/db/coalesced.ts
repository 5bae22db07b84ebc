/**
 * A D1 handle that sends the `batch()` calls made together as ONE batch: the writes of many
 * independent operations (a /Bulk request's creates) cost one round trip, while each operation
 * still runs the same service code, rules and commit as its single request.
 *
 * Calls made before the next macrotask form one round; it goes to D1 in chunks of at most
 * `maxStatements`. D1 runs a batch as one transaction, so when a combined batch fails (a unique
 * violation in one operation's writes) nothing of it was written, and each call of that chunk
 * is sent again alone, in its original order, getting its own result or error: the combined
 * send never changes what any operation sees, because the calls' statements run in call order
 * in both cases. Only `batch()` is combined; `prepare`, `first`, `all`, `run` go straight to D1.
 */
export function coalescedDatabase(db: D1Database, maxStatements = 400): D1Database {
  type Call = {
    statements: D1PreparedStatement[];
    resolve: (r: D1Result[]) => void;
    reject: (e: unknown) => void;
  };
  let pending: Call[] = [];
  let scheduled = false;

  const sendAlone = (call: Call) => db.batch(call.statements).then(call.resolve, call.reject);

  async function sendChunk(calls: Call[]): Promise<void> {
    if (calls.length === 1) return sendAlone(calls[0]);
    let results: D1Result[];
    try {
      results = await db.batch(calls.flatMap((c) => c.statements));
    } catch {
      for (const call of calls) await sendAlone(call);
      return;
    }
    let at = 0;
    for (const call of calls) {
      call.resolve(results.slice(at, at + call.statements.length));
      at += call.statements.length;
    }
  }

  async function flush(): Promise<void> {
    scheduled = false;
    const round = pending;
    pending = [];
    let chunk: Call[] = [];
    let size = 0;
    for (const call of round) {
      if (chunk.length && size + call.statements.length > maxStatements) {
        await sendChunk(chunk);
        chunk = [];
        size = 0;
      }
      chunk.push(call);
      size += call.statements.length;
    }
    if (chunk.length) await sendChunk(chunk);
  }

  const batch = <T = unknown>(statements: D1PreparedStatement[]): Promise<D1Result<T>[]> =>
    new Promise<D1Result[]>((resolve, reject) => {
      pending.push({ statements, resolve, reject });
      if (!scheduled) {
        scheduled = true;
        setTimeout(() => void flush(), 0);
      }
    }) as Promise<D1Result<T>[]>;

  return new Proxy(db, {
    get(target, prop, receiver) {
      if (prop === "batch") return batch;
      const value = Reflect.get(target, prop, receiver) as unknown;
      return typeof value === "function" ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}
