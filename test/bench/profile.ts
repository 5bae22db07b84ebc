/**
 * CPU profile of the Worker's isolate through wrangler's inspector proxy (Chrome DevTools
 * protocol), summarised by function and by source module of the bundle (the bundle keeps
 * `// src/...` / `// node_modules/...` markers before each module's code).
 */
interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
  columnNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

export interface ProfileSummary {
  totalMs: number;
  /** Share of the profile the isolate spent idle (waiting on I/O: D1, KV, the network). */
  idleShare: number;
  byModule: { module: string; ms: number; share: number }[];
  byFunction: { fn: string; ms: number; share: number }[];
}

class Cdp {
  private ws: WebSocket;
  private next = 1;
  private waiting = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  readonly scripts = new Map<string, string>();
  private constructor(ws: WebSocket) {
    this.ws = ws;
    ws.addEventListener("message", (ev) => {
      const msg = JSON.parse(String(ev.data)) as {
        id?: number;
        method?: string;
        params?: { scriptId: string; url: string };
        result?: unknown;
        error?: { message: string };
      };
      if (msg.method === "Debugger.scriptParsed" && msg.params) this.scripts.set(msg.params.scriptId, msg.params.url);
      const w = msg.id === undefined ? undefined : this.waiting.get(msg.id);
      if (!w) return;
      this.waiting.delete(msg.id as number);
      if (msg.error) w.reject(new Error(msg.error.message));
      else w.resolve(msg.result);
    });
  }
  static async connect(inspectorPort: number): Promise<Cdp> {
    const list = (await (await fetch(`http://127.0.0.1:${inspectorPort}/json/list`)).json()) as {
      webSocketDebuggerUrl: string;
    }[];
    if (!list[0]) throw new Error("no inspector target");
    // wrangler's inspector proxy accepts DevTools' origin; Node's WebSocket (undici) takes extra
    // headers in its options object, which the DOM typings do not know.
    const options = { headers: { origin: "https://devtools.devprod.cloudflare.dev" } } as unknown as string[];
    const ws = new WebSocket(list[0].webSocketDebuggerUrl, options);
    await new Promise<void>((resolve, reject) => {
      ws.addEventListener("open", () => resolve(), { once: true });
      ws.addEventListener("error", () => reject(new Error("inspector websocket failed")), { once: true });
    });
    return new Cdp(ws);
  }
  send<T>(method: string, params: Record<string, unknown> = {}): Promise<T> {
    const id = this.next++;
    return new Promise<T>((resolve, reject) => {
      this.waiting.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.ws.send(JSON.stringify({ id, method, params }));
    });
  }
  close(): void {
    this.ws.close();
  }
}

export class Profiler {
  private cdp?: Cdp;
  private readonly inspectorPort: number;
  constructor(inspectorPort: number) {
    this.inspectorPort = inspectorPort;
  }
  async start(samplingMicros = 200): Promise<void> {
    this.cdp = await Cdp.connect(this.inspectorPort);
    await this.cdp.send("Profiler.enable");
    await this.cdp.send("Profiler.setSamplingInterval", { interval: samplingMicros });
    await this.cdp.send("Profiler.start");
  }
  /** The profile, and the source of the Worker's script as workerd runs it (for module names). */
  async stop(): Promise<{ profile: CpuProfile; source: string }> {
    const cdp = this.cdp;
    if (!cdp) throw new Error("not started");
    const { profile } = await cdp.send<{ profile: CpuProfile }>("Profiler.stop");
    // wrangler wraps the bundle before workerd runs it, so read the code as it runs: enabling the
    // debugger announces every script (scriptParsed), then take the biggest non-internal one.
    await cdp.send("Debugger.enable");
    await new Promise((r) => setTimeout(r, 300));
    let source = "";
    for (const [scriptId, url] of cdp.scripts) {
      if (url.startsWith("cloudflare") || url.startsWith("node:") || url === "") continue;
      const { scriptSource } = await cdp.send<{ scriptSource: string }>("Debugger.getScriptSource", { scriptId });
      if (scriptSource.length > source.length) source = scriptSource;
    }
    await cdp.send("Debugger.disable");
    cdp.close();
    return { profile, source };
  }
}

/** The V8 heap of the Worker's isolate (what our code holds), as opposed to workerd's whole RSS. */
export async function isolateHeap(inspectorPort: number): Promise<{ usedBytes: number; totalBytes: number }> {
  const cdp = await Cdp.connect(inspectorPort);
  try {
    const r = await cdp.send<{ usedSize: number; totalSize: number }>("Runtime.getHeapUsage");
    return { usedBytes: r.usedSize, totalBytes: r.totalSize };
  } finally {
    cdp.close();
  }
}

/** Line (0-based) -> module path, from the bundle's `// path` markers. */
function moduleIndex(bundle: string): { line: number; module: string }[] {
  const out: { line: number; module: string }[] = [];
  bundle.split("\n").forEach((text, line) => {
    // `// src/users/repo.ts`, `// node_modules/hono/dist/...`; a build from a git copy has a prefix.
    const m = /^\/\/ (\S+\.(?:ts|js|mjs|cjs))$/.exec(text);
    const at = m ? Math.max(m[1].lastIndexOf("node_modules/"), m[1].search(/(^|\/)src\//)) : -1;
    if (m && at >= 0) out.push({ line, module: m[1].slice(at).replace(/^\//, "") });
  });
  return out;
}

function moduleAt(index: { line: number; module: string }[], line: number): string {
  let lo = 0;
  let hi = index.length - 1;
  let found = "(bundle)";
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (index[mid].line <= line) {
      found = index[mid].module;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found;
}

/** Groups node_modules paths by package, src paths by folder. */
function moduleGroup(module: string): string {
  const nm = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(module);
  if (nm) return nm[1];
  const src = /^src\/(.+)$/.exec(module);
  return src ? `src/${src[1]}` : module;
}

export function summarise(profile: CpuProfile, source: string, top = 15): ProfileSummary {
  const index = moduleIndex(source);
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfUs = new Map<number, number>();
  profile.samples.forEach((id, i) => selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  let total = 0;
  let idle = 0;
  const byModule = new Map<string, number>();
  const byFunction = new Map<string, number>();
  for (const [id, us] of selfUs) {
    const n = nodes.get(id) as ProfileNode;
    total += us;
    const f = n.callFrame;
    if (f.functionName === "(idle)") {
      idle += us;
      continue;
    }
    const inBundle = f.url !== "" && !f.url.includes(":");
    const mod =
      f.url === "" ? f.functionName || "(native)" : inBundle ? moduleGroup(moduleAt(index, f.lineNumber)) : f.url;
    byModule.set(mod, (byModule.get(mod) ?? 0) + us);
    const name = `${f.functionName || "(anonymous)"} ${inBundle ? moduleAt(index, f.lineNumber) : f.url}`;
    byFunction.set(name, (byFunction.get(name) ?? 0) + us);
  }
  const busy = total - idle;
  const rank = (m: Map<string, number>, key: "module" | "fn") =>
    [...m.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([k, us]) => ({ [key]: k, ms: us / 1000, share: busy ? us / busy : 0 }));
  return {
    totalMs: total / 1000,
    idleShare: total ? idle / total : 0,
    byModule: rank(byModule, "module") as ProfileSummary["byModule"],
    byFunction: rank(byFunction, "fn") as ProfileSummary["byFunction"],
  };
}
