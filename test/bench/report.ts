/** The bench's figures as one JSON document and the same figures as a markdown report. */
import type { ErrorSample, OpSummary } from "./driver.ts";
import type { ProfileSummary } from "./profile.ts";
import type { MemoryResult } from "./meters.ts";
import { type BulkFigures, bulkMarkdown } from "./bulk.ts";

export interface Ratios {
  vsHealth: number;
  vsRead: number;
  vsWrite: number;
}

/** One operation of the closed-loop cycle, run as a phase of its own. */
export type ClosedOp = OpSummary &
  Ratios & {
    seconds: number;
    memoryPeakBytes: number;
    /** Mean req/s of the 1 s health probes run before, between and after the phase's slices. */
    healthAlongside: number;
    /** Cores used by processes outside the bench during the phase (noise). */
    otherCores: number;
    /** Cores used by the bench itself (driver, wrangler, workerd). */
    benchCores: number;
    profile?: ProfileSummary;
  };

export interface Goal {
  goal: string;
  figure: string;
  met: boolean;
}

export interface Results {
  date: string;
  machine: {
    cpus: number;
    cpuModel: string;
    memoryGiB: number;
    os: string;
    node: string;
    wrangler: string;
    workerd: string;
    loadAverageAtStart: number[];
  };
  options: Record<string, unknown>;
  notes: string[];
  baselines: {
    concurrency: number;
    seconds: number;
    before: (OpSummary & { otherCores?: number })[];
    after: (OpSummary & { otherCores?: number })[];
    rps: { health: number; read: number; write: number };
  };
  closed: { concurrency: number; ops: ClosedOp[] };
  /** The bulk phase (bulk.ts); absent in results written before it existed. */
  bulk?: BulkFigures | null;
  open: {
    rate: number;
    users: number;
    groups: number;
    seconds: number;
    lateStarts: number;
    maxInFlight: number;
    otherCores: number;
    ops: OpSummary[];
  } | null;
  scale: {
    smallUsers: number;
    largeUsers: number;
    seedSeconds: number;
    seedCheck: string;
    lookupSmall: OpSummary;
    lookupLarge: OpSummary;
    lookupRatioP50: number;
    lookupRatioMean: number;
    addMembers10k: { groupSizeBefore: number; ms: number }[];
    /** Issue 13: first vs last page of 100, by cursor (keyset) and by index (OFFSET). Absent in older results. */
    paging?: {
      users: number;
      cursorFirst: OpSummary;
      cursorLast: OpSummary;
      indexFirst: OpSummary;
      indexLast: OpSummary;
      cursorRatioP50: number;
      indexRatioP50: number;
    };
    group50k: {
      members: number;
      withMembers: OpSummary & { bytes: number };
      withoutMembers: OpSummary & { bytes: number };
    };
  } | null;
  memory: MemoryResult & { isolateHeapUsedBytes: number; isolateHeapTotalBytes: number };
  goals: Goal[];
  errors: { total: number; samples: ErrorSample[] };
}

const f0 = (n: number | undefined) =>
  n === undefined || Number.isNaN(n) ? "-" : Math.round(n).toLocaleString("en-US");
const f1 = (n: number | undefined) => (n === undefined || Number.isNaN(n) ? "-" : n.toFixed(1));
const f2 = (n: number | undefined) => (n === undefined || Number.isNaN(n) ? "-" : n.toFixed(2));
const ms = (n: number) => (Number.isNaN(n) ? "-" : n >= 100 ? n.toFixed(0) : n.toFixed(1));
const pct = (n: number) => `${(n * 100).toFixed(0)}%`;
const mib = (b: number) => `${(b / 1024 / 1024).toFixed(0)} MiB`;

function table(head: string[], rows: (string | number)[][]): string {
  const line = (cells: (string | number)[]) => `| ${cells.join(" | ")} |`;
  return [line(head), line(head.map((_, i) => (i === 0 ? "---" : "---:"))), ...rows.map(line)].join("\n");
}

export function toMarkdown(r: Results): string {
  const out: string[] = [];
  const m = r.machine;
  out.push(`## Benchmark: \`npm run bench\``);
  out.push("");
  out.push(
    `${r.date} · ${m.cpus} × ${m.cpuModel}, ${m.memoryGiB.toFixed(0)} GiB, ${m.os} · Node ${m.node}, wrangler ${m.wrangler}, workerd ${m.workerd} · ` +
      `load average at start ${m.loadAverageAtStart.map((x) => x.toFixed(2)).join(" ")}`,
  );
  out.push("");
  out.push(
    `Options: ${Object.entries(r.options)
      .map(([k, v]) => `${k}=${v}`)
      .join(", ")}`,
  );
  for (const n of r.notes) out.push(`- ${n}`);
  out.push("");

  const b = r.baselines;
  out.push(
    `### Baselines (closed loop, ${b.concurrency} in flight, ${b.seconds} s each, run before and after the cycle)`,
  );
  out.push("");
  out.push(
    `req/s used: the mean of before and after, or the quieter of the two when other processes loaded one of them by more than 0.2 cores.`,
  );
  out.push("");
  const byOp = <T extends OpSummary>(list: T[], op: string) => list.find((s) => s.op === op) as T;
  out.push(
    table(
      [
        "route",
        "req/s before",
        "req/s after",
        "req/s used",
        "p50 ms",
        "p95 ms",
        "p99 ms",
        "errors",
        "other load (cores)",
      ],
      b.before.map((s) => {
        const a = byOp(b.after, s.op);
        const used = s.op.includes("healthz") ? b.rps.health : s.op.includes("read") ? b.rps.read : b.rps.write;
        return [
          s.op,
          f0(s.rps),
          f0(a?.rps),
          f0(used),
          ms(s.p50Ms),
          ms(s.p95Ms),
          ms(s.p99Ms),
          s.errors + (a?.errors ?? 0),
          `${f2(s.otherCores)} / ${f2(a?.otherCores)}`,
        ];
      }),
    ),
  );
  out.push("");

  const c = r.closed;
  out.push(`### Entra cycle, closed loop (${c.concurrency} in flight, one operation at a time)`);
  out.push("");
  out.push(
    `req/s: the operation's requests over its phase's duration. × health: over the health route's req/s measured right beside it ` +
      `(1 s probes before, between and after the phase's slices; after write slices only once /healthz is back to 93% of its baseline, i.e. the queue consumer is done, or after 6 s), so a change of background load moves both. ` +
      `× D1 read / write: over the baselines (mean of before and after). Other load: cores used by processes outside the bench meanwhile.`,
  );
  out.push("");
  out.push(
    table(
      [
        "operation",
        "n",
        "req/s",
        "health req/s beside",
        "× health",
        "× D1 read",
        "× D1 write",
        "p50 ms",
        "p95 ms",
        "p99 ms",
        "max ms",
        "errors",
        "other load (cores)",
        "RSS peak",
      ],
      c.ops.map((s) => [
        s.op,
        f0(s.count),
        f0(s.rps),
        f0(s.healthAlongside),
        pct(s.vsHealth),
        pct(s.vsRead),
        pct(s.vsWrite),
        ms(s.p50Ms),
        ms(s.p95Ms),
        ms(s.p99Ms),
        ms(s.maxMs),
        s.errors,
        f2(s.otherCores),
        mib(s.memoryPeakBytes),
      ]),
    ),
  );
  out.push("");

  const profiled = c.ops.filter((o) => o.profile);
  if (profiled.length) {
    out.push(`### Where the Worker's isolate spends CPU (--profile; self time, share of busy time)`);
    out.push("");
    for (const o of profiled) {
      const p = o.profile as ProfileSummary;
      const busyMs = p.totalMs * (1 - p.idleShare);
      out.push(
        `- ${o.op}: isolate busy ${pct(1 - p.idleShare)} of ${f1(p.totalMs / 1000)} s, ${f1(busyMs / o.count)} ms CPU per request. ` +
          p.byModule
            .slice(0, 8)
            .map((m) => `${m.module} ${pct(m.share)}`)
            .join(", "),
      );
    }
    out.push("");
  }

  if (r.open) {
    const o = r.open;
    out.push(
      `### Entra cycle, open loop (${o.rate} req/s fixed; ${o.users} users, ${o.groups} groups; latency from the scheduled start)`,
    );
    out.push("");
    out.push(
      table(
        ["operation", "n", "p50 ms", "p95 ms", "p99 ms", "max ms", "errors", "p99 < 100 ms"],
        o.ops.map((s) => [
          s.op,
          f0(s.count),
          ms(s.p50Ms),
          ms(s.p95Ms),
          ms(s.p99Ms),
          ms(s.maxMs),
          s.errors,
          s.p99Ms < 100 ? "yes" : "**no**",
        ]),
      ),
    );
    out.push("");
    out.push(
      `${f1(o.seconds)} s; at most ${o.maxInFlight} in flight; ${o.lateStarts} starts more than one interval late (driver); other load ${f2(o.otherCores)} cores. ` +
        `Where n < 100, p99 is the slowest request or close to it.`,
    );
    out.push("");
  }

  if (r.bulk) out.push(bulkMarkdown(r.bulk));
  if (r.scale) {
    const s = r.scale;
    out.push(
      `### Scale (tenants seeded in bulk: ${f0(s.smallUsers)} and ${f0(s.largeUsers)} users, ${f1(s.seedSeconds)} s)`,
    );
    out.push("");
    out.push(`Seed check: ${s.seedCheck}`);
    out.push("");
    out.push(
      table(
        ["measurement", "n", "mean ms", "p50 ms", "p95 ms", "p99 ms", "max ms", "errors"],
        [
          [
            `userName lookup, ${f0(s.smallUsers)} users (1 in flight)`,
            s.lookupSmall.count,
            ms(s.lookupSmall.meanMs),
            ms(s.lookupSmall.p50Ms),
            ms(s.lookupSmall.p95Ms),
            ms(s.lookupSmall.p99Ms),
            ms(s.lookupSmall.maxMs),
            s.lookupSmall.errors,
          ],
          [
            `userName lookup, ${f0(s.largeUsers)} users (1 in flight)`,
            s.lookupLarge.count,
            ms(s.lookupLarge.meanMs),
            ms(s.lookupLarge.p50Ms),
            ms(s.lookupLarge.p95Ms),
            ms(s.lookupLarge.p99Ms),
            ms(s.lookupLarge.maxMs),
            s.lookupLarge.errors,
          ],
          [
            `GET group of ${f0(s.group50k.members)} members (${f0(s.group50k.withMembers.bytes)} bytes)`,
            s.group50k.withMembers.count,
            ms(s.group50k.withMembers.meanMs),
            ms(s.group50k.withMembers.p50Ms),
            ms(s.group50k.withMembers.p95Ms),
            ms(s.group50k.withMembers.p99Ms),
            ms(s.group50k.withMembers.maxMs),
            s.group50k.withMembers.errors,
          ],
          [
            `same, excludedAttributes=members (${f0(s.group50k.withoutMembers.bytes)} bytes)`,
            s.group50k.withoutMembers.count,
            ms(s.group50k.withoutMembers.meanMs),
            ms(s.group50k.withoutMembers.p50Ms),
            ms(s.group50k.withoutMembers.p95Ms),
            ms(s.group50k.withoutMembers.p99Ms),
            ms(s.group50k.withoutMembers.maxMs),
            s.group50k.withoutMembers.errors,
          ],
        ],
      ),
    );
    out.push("");
    out.push(
      `Lookup ${f0(s.largeUsers)} vs ${f0(s.smallUsers)} users: p50 ×${s.lookupRatioP50.toFixed(2)}, mean ×${s.lookupRatioMean.toFixed(2)}.`,
    );
    out.push("");
    if (s.paging) {
      const p = s.paging;
      const row = (what: string, o: OpSummary) => [
        what,
        o.count,
        ms(o.meanMs),
        ms(o.p50Ms),
        ms(o.p95Ms),
        ms(o.p99Ms),
        ms(o.maxMs),
        o.errors,
      ];
      out.push(
        table(
          ["page of 100 users (1 in flight)", "n", "mean ms", "p50 ms", "p95 ms", "p99 ms", "max ms", "errors"],
          [
            row("first, by cursor", p.cursorFirst),
            row(`last of ${f0(p.users)}, by cursor`, p.cursorLast),
            row("first, by index (startIndex=1)", p.indexFirst),
            row(`last of ${f0(p.users)}, by index (startIndex=${f0(p.users - 99)})`, p.indexLast),
          ],
        ),
      );
      out.push("");
      out.push(
        `Last page vs first (p50): by cursor ×${p.cursorRatioP50.toFixed(2)}, by index ×${p.indexRatioP50.toFixed(2)}.`,
      );
      out.push("");
    }
    out.push(
      `One PATCH adding 10,000 members: ${s.addMembers10k.map((a) => `${f0(a.ms)} ms (group had ${f0(a.groupSizeBefore)})`).join(", ")}.`,
    );
    out.push("");
  }

  out.push(`### Memory`);
  out.push("");
  const mem = r.memory;
  out.push(
    `Peak RSS (sampled every ${mem.everyMs} ms): workerd running the Worker with local D1/KV/DO/Queue ${mib(mem.workerPeakBytes)} ` +
      `(kernel VmHWM ${mib(mem.workerHighWaterMarkBytes)}); wrangler's proxy workerd ${mib(mem.proxyPeakBytes)}; both together ${mib(mem.sumPeakBytes)}. ` +
      `The RSS column of the closed-loop table is the Worker's workerd during that phase. ` +
      `The Worker's own isolate (V8 heap, read through the inspector after each phase): at most ${mib(mem.isolateHeapUsedBytes)} used of ${mib(mem.isolateHeapTotalBytes)}; ` +
      `the rest of workerd's RSS is the runtime and its local simulators, and it grows with request count even on /healthz.`,
  );
  out.push("");
  out.push(`### Goals`);
  out.push("");
  out.push(
    table(
      ["goal", "figure", "met"],
      r.goals.map((g) => [g.goal, g.figure, g.met ? "yes" : "**no**"]),
    ),
  );
  out.push("");
  out.push(
    `Errors: ${r.errors.total}${
      r.errors.total
        ? ` (first: ${r.errors.samples
            .map((e) => `${e.op} ${e.status} ${e.detail}`)
            .slice(0, 3)
            .join(" / ")})`
        : ""
    }`,
  );
  out.push("");
  return out.join("\n");
}
