/**
 * Load drivers and latency recording.
 * - Closed loop: N requests in flight; each worker takes the next task (a chain of requests
 *   that depend on each other, e.g. a user's lookup then its create) as soon as it is free.
 * - Open loop: requests start at fixed times (rate r/s) whether or not earlier ones answered;
 *   latency is measured from the scheduled start, so a stall is not hidden (no coordinated
 *   omission).
 * The client is node:http with keep-alive sockets: much lighter than fetch, since it shares the
 * 2 cores with workerd.
 */
import http from "node:http";

export interface Call {
  op: string;
  method: "GET" | "POST" | "PATCH" | "PUT" | "DELETE";
  /** Path and query under the origin. */
  path: string;
  body?: unknown;
  /** Accepted statuses; anything else (or a network error) is an error. */
  expect: number[];
  /** Reads what later calls need (ids); a throw counts as an error. */
  then?: (status: number, body: string) => void;
  /** Bearer token, when the route needs one. */
  token?: string;
}

/** A chain: a call, or a function making the next call once the previous ones answered. */
export type Task = (Call | (() => Call | undefined))[];

export interface ErrorSample {
  op: string;
  status: number;
  detail: string;
}

const BUCKETS_MS = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000, Infinity];

/** Latencies (ms) of one operation. */
export class OpStats {
  readonly op: string;
  readonly samples: number[] = [];
  errors = 0;
  busyMs = 0;
  constructor(op: string) {
    this.op = op;
  }
  add(ms: number): void {
    this.samples.push(ms);
  }
  /** With `wallSeconds` (the phase's duration, when the phase ran this operation alone): its req/s. */
  summary(wallSeconds?: number): OpSummary {
    const s = [...this.samples].sort((a, b) => a - b);
    const q = (p: number) => (s.length ? s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)] : NaN);
    const mean = s.length ? s.reduce((a, b) => a + b, 0) / s.length : NaN;
    const histogram: Record<string, number> = {};
    let b = 0;
    for (const v of s) {
      while (v > BUCKETS_MS[b]) b++;
      const label = BUCKETS_MS[b] === Infinity ? `>${BUCKETS_MS[b - 1]}` : `<=${BUCKETS_MS[b]}`;
      histogram[label] = (histogram[label] ?? 0) + 1;
    }
    return {
      op: this.op,
      count: s.length,
      errors: this.errors,
      meanMs: mean,
      p50Ms: q(50),
      p95Ms: q(95),
      p99Ms: q(99),
      maxMs: s.length ? s[s.length - 1] : NaN,
      rps: wallSeconds ? s.length / wallSeconds : undefined,
      histogram,
    };
  }
}

export interface OpSummary {
  op: string;
  count: number;
  errors: number;
  meanMs: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  maxMs: number;
  rps?: number;
  histogram: Record<string, number>;
}

/** Stats of a run of calls, by operation, plus the first error samples. */
export class Recorder {
  readonly ops = new Map<string, OpStats>();
  readonly errorSamples: ErrorSample[] = [];
  stats(op: string): OpStats {
    let s = this.ops.get(op);
    if (!s) this.ops.set(op, (s = new OpStats(op)));
    return s;
  }
  error(op: string, status: number, detail: string): void {
    this.stats(op).errors++;
    if (this.errorSamples.length < 20) this.errorSamples.push({ op, status, detail: detail.slice(0, 300) });
  }
  get errorCount(): number {
    let n = 0;
    for (const s of this.ops.values()) n += s.errors;
    return n;
  }
}

export class Client {
  readonly agent: http.Agent;
  readonly origin: URL;
  constructor(baseUrl: string, sockets: number) {
    this.origin = new URL(baseUrl);
    this.agent = new http.Agent({ keepAlive: true, maxSockets: sockets, maxFreeSockets: sockets });
  }

  request(call: Call): Promise<{ status: number; body: string }> {
    const payload =
      call.body === undefined ? undefined : typeof call.body === "string" ? call.body : JSON.stringify(call.body);
    const headers: Record<string, string | number> = {};
    if (call.token) headers.authorization = `Bearer ${call.token}`;
    if (payload !== undefined) {
      headers["content-type"] = "application/scim+json";
      headers["content-length"] = Buffer.byteLength(payload);
    }
    return new Promise((resolve, reject) => {
      const req = http.request(
        {
          host: this.origin.hostname,
          port: this.origin.port,
          method: call.method,
          path: call.path,
          headers,
          agent: this.agent,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => chunks.push(c));
          res.on("end", () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") }));
          res.on("error", reject);
        },
      );
      req.setTimeout(120_000, () => req.destroy(new Error("timeout after 120 s")));
      req.on("error", reject);
      req.end(payload);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}

/** Sends one call, records its latency (from `startedAt`, default now) and any error. */
export async function timed(
  client: Client,
  rec: Recorder,
  call: Call,
  startedAt = performance.now(),
): Promise<boolean> {
  let status: number;
  let body: string;
  try {
    ({ status, body } = await client.request(call));
  } catch (e) {
    rec.stats(call.op).add(performance.now() - startedAt);
    rec.error(call.op, 0, String(e));
    return false;
  }
  const ms = performance.now() - startedAt;
  rec.stats(call.op).add(ms);
  if (!call.expect.includes(status)) {
    rec.error(call.op, status, body);
    return false;
  }
  try {
    call.then?.(status, body);
  } catch (e) {
    rec.error(call.op, status, `response not understood: ${String(e)}`);
    return false;
  }
  return true;
}

const resolveCall = (step: Task[number]) => (typeof step === "function" ? step() : step);

/** Runs the tasks with `concurrency` workers; a failed call ends its task. Returns wall seconds. */
export async function closedLoop(
  client: Client,
  rec: Recorder,
  tasks: Iterable<Task>,
  concurrency: number,
): Promise<number> {
  const started = performance.now();
  const it = tasks[Symbol.iterator]();
  const worker = async () => {
    for (let next = it.next(); !next.done; next = it.next()) {
      for (const step of next.value) {
        const call = resolveCall(step);
        if (!call) continue;
        if (!(await timed(client, rec, call))) break;
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return (performance.now() - started) / 1000;
}

/**
 * Starts one call every 1/rate seconds. Steps of a task go out at successive ticks; a step that
 * needs an earlier answer (a function) waits for it, and its latency still counts from its tick.
 */
export async function openLoop(
  client: Client,
  rec: Recorder,
  tasks: Task[],
  rate: number,
): Promise<{ seconds: number; lateStarts: number; maxInFlight: number }> {
  const interval = 1000 / rate;
  const t0 = performance.now() + 50;
  let tick = 0;
  let inFlight = 0;
  let maxInFlight = 0;
  let lateStarts = 0;
  const pending: Promise<unknown>[] = [];
  for (const task of tasks) {
    let previous: Promise<boolean> = Promise.resolve(true);
    for (const step of task) {
      const at = t0 + tick++ * interval;
      const wait = at - performance.now();
      if (wait > 0) await sleep(wait);
      else if (wait < -interval) lateStarts++;
      const after = previous;
      previous = (async () => {
        if (typeof step === "function" && !(await after)) return false;
        const call = resolveCall(step);
        if (!call) return true;
        inFlight++;
        maxInFlight = Math.max(maxInFlight, inFlight);
        try {
          return await timed(client, rec, call, at);
        } finally {
          inFlight--;
        }
      })();
      pending.push(previous);
    }
  }
  await Promise.all(pending);
  return { seconds: (performance.now() - t0) / 1000, lateStarts, maxInFlight };
}

/** Runs `call` back to back with `concurrency` in flight for `seconds` (baselines). */
export async function forDuration(
  client: Client,
  rec: Recorder,
  make: () => Call,
  concurrency: number,
  seconds: number,
): Promise<number> {
  const started = performance.now();
  const end = started + seconds * 1000;
  const worker = async () => {
    while (performance.now() < end) await timed(client, rec, make());
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return (performance.now() - started) / 1000;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
