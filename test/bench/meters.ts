/**
 * What the bench reads from /proc while it runs: the memory of the workerd processes wrangler
 * starts, and the CPU used by the bench versus everything else on the machine (other engineers'
 * test runs share the 2 cores; the report shows it so that a disturbed figure can be told).
 */
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";

// Memory of the workerd processes, from /proc.

interface ProcInfo {
  pid: number;
  ppid: number;
  comm: string;
}

function readProcs(): ProcInfo[] {
  const out: ProcInfo[] = [];
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, "utf8");
      // pid (comm) state ppid ...; comm may contain spaces and parentheses.
      const close = stat.lastIndexOf(")");
      const comm = stat.slice(stat.indexOf("(") + 1, close);
      const rest = stat.slice(close + 2).split(" ");
      out.push({ pid: Number(name), ppid: Number(rest[1]), comm });
    } catch {
      // exited meanwhile
    }
  }
  return out;
}

/** workerd processes descending from the wrangler process. */
export function workerdPids(wranglerPid: number): number[] {
  const procs = readProcs();
  const children = new Map<number, ProcInfo[]>();
  for (const p of procs) children.set(p.ppid, [...(children.get(p.ppid) ?? []), p]);
  const found: number[] = [];
  const stack = [wranglerPid];
  while (stack.length) {
    const pid = stack.pop() as number;
    for (const c of children.get(pid) ?? []) {
      if (c.comm.startsWith("workerd")) found.push(c.pid);
      stack.push(c.pid);
    }
  }
  return found;
}

/** VmRSS and VmHWM (peak RSS the kernel saw) in bytes. */
export function memoryOf(pid: number): { rss: number; hwm: number } | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, "m").exec(status)?.[1] ?? 0) * 1024;
    return { rss: kb("VmRSS"), hwm: kb("VmHWM") };
  } catch {
    return undefined;
  }
}

export type WorkerdRole = "worker" | "proxy";

/**
 * wrangler dev runs two workerd processes: one runs the Worker with the local simulators of D1,
 * KV, Durable Objects and Queues (it has the inspector); the other is wrangler's proxy in front.
 */
export function roleOf(pid: number): WorkerdRole {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").includes("--inspector-addr") ? "worker" : "proxy";
  } catch {
    return "proxy";
  }
}

export interface MemoryResult {
  /** Peak RSS of the workerd running the Worker (sampled). */
  workerPeakBytes: number;
  /** Peak RSS of wrangler's proxy workerd (sampled). */
  proxyPeakBytes: number;
  /** Peak of the two summed (sampled). */
  sumPeakBytes: number;
  /** The kernel's VmHWM of the Worker's workerd (covers spikes between samples). */
  workerHighWaterMarkBytes: number;
  everyMs: number;
}

/** Samples the RSS of the workerd processes every `everyMs`; `mark()` starts a new section. */
export class MemorySampler {
  private timer?: NodeJS.Timeout;
  private pids: { pid: number; role: WorkerdRole }[] = [];
  private samples = 0;
  private readonly peak = { worker: 0, proxy: 0, sum: 0 };
  private sectionPeak = 0;
  private readonly wranglerPid: number;
  private readonly everyMs: number;

  constructor(wranglerPid: number, everyMs = 250) {
    this.wranglerPid = wranglerPid;
    this.everyMs = everyMs;
  }

  start(): void {
    this.sample();
    this.timer = setInterval(() => this.sample(), this.everyMs);
    this.timer.unref();
  }

  private sample(): void {
    if (this.pids.length === 0 || this.samples % 40 === 0) {
      this.pids = workerdPids(this.wranglerPid).map((pid) => ({ pid, role: roleOf(pid) }));
    }
    this.samples++;
    let sum = 0;
    for (const { pid, role } of this.pids) {
      const rss = memoryOf(pid)?.rss ?? 0;
      sum += rss;
      this.peak[role] = Math.max(this.peak[role], rss);
      if (role === "worker") this.sectionPeak = Math.max(this.sectionPeak, rss);
    }
    this.peak.sum = Math.max(this.peak.sum, sum);
  }

  /** Peak RSS of the Worker's workerd since the last mark. */
  mark(): number {
    this.sample();
    const p = this.sectionPeak;
    this.sectionPeak = 0;
    return p;
  }

  result(): MemoryResult {
    this.sample();
    const worker = this.pids.find((p) => p.role === "worker");
    return {
      workerPeakBytes: this.peak.worker,
      proxyPeakBytes: this.peak.proxy,
      sumPeakBytes: this.peak.sum,
      workerHighWaterMarkBytes: worker ? (memoryOf(worker.pid)?.hwm ?? 0) : 0,
      everyMs: this.everyMs,
    };
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }
}

// CPU used by processes outside the bench (other engineers' test runs on the same 2 cores).

const CLOCK_TICKS = (() => {
  try {
    return Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;
  } catch {
    return 100;
  }
})();

function busyTicks(): number {
  const cpu = readFileSync("/proc/stat", "utf8").split("\n")[0].trim().split(/\s+/).slice(1).map(Number);
  // user nice system idle iowait irq softirq steal ...: everything but idle and iowait
  return cpu.reduce((a, b, i) => (i === 3 || i === 4 ? a : a + b), 0);
}

function treeTicks(rootPids: number[]): number {
  const procs = readProcs();
  const children = new Map<number, number[]>();
  for (const p of procs) children.set(p.ppid, [...(children.get(p.ppid) ?? []), p.pid]);
  let ticks = 0;
  const seen = new Set<number>();
  const stack = [...rootPids];
  while (stack.length) {
    const pid = stack.pop() as number;
    if (seen.has(pid)) continue;
    seen.add(pid);
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      const rest = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      // fields 14-17 of stat (utime stime cutime cstime) are rest[11..14]
      ticks += Number(rest[11]) + Number(rest[12]) + Number(rest[13]) + Number(rest[14]);
    } catch {
      // exited
    }
    stack.push(...(children.get(pid) ?? []));
  }
  return ticks;
}

/**
 * Measures, over an interval, how many cores the bench used (this process and its children:
 * wrangler, workerd) and how many everything else on the machine used.
 */
export class CpuMeter {
  private start = { at: 0, busy: 0, mine: 0 };
  begin(): void {
    this.start = { at: performance.now(), busy: busyTicks(), mine: treeTicks([process.pid]) };
  }
  end(): { benchCores: number; otherCores: number } {
    const seconds = (performance.now() - this.start.at) / 1000;
    const busy = (busyTicks() - this.start.busy) / CLOCK_TICKS;
    const mine = (treeTicks([process.pid]) - this.start.mine) / CLOCK_TICKS;
    return { benchCores: mine / seconds, otherCores: Math.max(0, busy - mine) / seconds };
  }
}
