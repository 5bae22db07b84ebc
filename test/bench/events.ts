/**
 * `npm run bench:events [-- options]` (issue 19, see --help): events out under local workerd.
 * 1. Commit-to-receipt latency: one Worker under `wrangler dev` with one `json` endpoint pointed
 *    at a healthy receiver in this process (202 at once, on 127.0.0.1); N users created open
 *    loop at a fixed rate (so the figure is the pipeline's, not a backlog's), each create one
 *    `user.created` event. Per event: receipt (the receiver's clock) minus the commit time the
 *    event carries (`timestamp`), and minus the moment the SCIM create answered (same clock).
 * 2. The cost to SCIM lookups and creates of one endpoint configured vs none: ab.ts's interleaved
 *    A/B (two Workers, the same code, rounds alternating which side goes first), the "endpoint"
 *    side pushing every create's event to a healthy receiver.
 * Prints both and writes events.{md,json} and events-ab.{md,json} to --out. No assertion on
 * time; the exit code is 1 if a request failed or an event did not arrive.
 */
import { randomBytes } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { onLoopback, PROJECT_ROOT } from "../blackbox/harness.ts";
import { type AbSpec, runAb } from "./ab.ts";
import { Client, openLoop, Recorder, sleep } from "./driver.ts";
import { CpuMeter } from "./meters.ts";
import { createUserCall, type Tenant } from "./scenario.ts";
import { makeUsers } from "./seed.ts";
import { userName } from "./shapes.ts";
import { type BenchServer, type BenchTenant, codeVersion, prepareState, startServer } from "./server.ts";

const HELP = `npm run bench:events -- [options]
  --events N           events of the latency run: users created, one user.created each (default 10000)
  --rate R             creates/s of the latency run, open loop (default 25, as npm run bench's open loop)
  --users N            users per side of the A/B (default 2000)
  --ab-rounds R        rounds of the A/B (default 4)
  --concurrency C      requests in flight in the A/B (default 8)
  --baseline-seconds S each bare D1 slice of the A/B (default 4)
  --no-latency         skip the latency run
  --no-ab              skip the A/B
  --out DIR            where events.{md,json} and events-ab.{md,json} go (default test/bench/results)`;

const { values: args } = parseArgs({
  options: {
    events: { type: "string", default: "10000" },
    rate: { type: "string", default: "25" },
    users: { type: "string", default: "2000" },
    "ab-rounds": { type: "string", default: "4" },
    concurrency: { type: "string", default: "8" },
    "baseline-seconds": { type: "string", default: "4" },
    "no-latency": { type: "boolean", default: false },
    "no-ab": { type: "boolean", default: false },
    out: { type: "string", default: path.join(PROJECT_ROOT, "test/bench/results") },
    help: { type: "boolean", default: false },
  },
});
const int = (name: keyof typeof args) => {
  const v = Number(args[name]);
  if (!Number.isInteger(v) || v < 1) throw new Error(`--${name} must be a whole number above 0`);
  return v;
};

/** The Worker's vars: endpoints on 127.0.0.1 over http, as `npm start` allows (never deployed). */
const LOOPBACK_VARS = { WEBHOOKS_ALLOW_LOOPBACK_HTTP: "1" };
/** After the last create, how long the latency run waits for the last events. */
const DRAIN_MS = 120_000;

const log = (s: string) => console.log(`[bench events ${new Date().toISOString().slice(11, 19)}] ${s}`);

interface Receipt {
  at: number;
  committed: number;
  userName?: string;
}

/** A healthy receiver: 202 at once; keeps the first receipt of each event id. */
function receiver() {
  const got = new Map<string, Receipt>();
  let requests = 0;
  const server: Server = createServer((req, res) => {
    let body = "";
    req.on("data", (c: Buffer) => (body += c.toString()));
    req.on("end", () => {
      const at = Date.now();
      requests++;
      res.writeHead(202).end();
      try {
        const e = JSON.parse(body) as { id: string; timestamp: string; data?: { userName?: string } };
        if (!got.has(e.id)) got.set(e.id, { at, committed: Date.parse(e.timestamp), userName: e.data?.userName });
      } catch {
        // not an event of ours: nothing to time
      }
    });
  });
  return {
    got,
    requests: () => requests,
    ...onLoopback(server),
  };
}

/** Configures one `json` endpoint for every event type through the admin API. */
async function addEndpoint(server: BenchServer, t: BenchTenant, url: string): Promise<void> {
  const res = await fetch(`${server.baseUrl}/t/${t.slug}/admin/api/webhooks`, {
    method: "POST",
    headers: { authorization: `Bearer ${t.adminToken}`, "content-type": "application/json" },
    body: JSON.stringify({ url, format: "json" }),
  });
  if (res.status !== 201) throw new Error(`adding the endpoint: ${res.status} ${await res.text()}`);
}

/** wrangler dev fires no cron by itself; the retries of a failed push are the cron's. */
const fireCron = (server: BenchServer) =>
  fetch(`${server.baseUrl}/cdn-cgi/local/scheduled?cron=${encodeURIComponent("* * * * *")}`).catch(() => undefined);

const quantile = (sorted: number[], p: number) =>
  sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)] : NaN;

interface LatencyResult {
  events: number;
  received: number;
  duplicates: number;
  rate: number;
  createSeconds: number;
  drainSeconds: number;
  fromCommit: { p50: number; p99: number; max: number };
  fromAnswer: { p50: number; p99: number; max: number };
  /** p50 / p99 from the commit, per tenth of the run by commit time: flat is a pipeline, rising a backlog. */
  tenths: { p50: number; p99: number }[];
  otherCores: number;
  errors: number;
  code: string;
}

async function latencyRun(events: number, rate: number): Promise<LatencyResult> {
  const tag = randomBytes(3).toString("hex");
  const slug = `ev-${tag}`;
  log(`onboarding ${slug} with the tenant CLI...`);
  const state = await prepareState([slug], `ev${tag}`);
  // What was bundled, named now: the tree may change during the run.
  const code = codeVersion({});
  const r = receiver();
  let server: BenchServer | undefined;
  let client: Client | undefined;
  try {
    server = await startServer(state, LOOPBACK_VARS);
    const t = state.tenants.get(slug)!;
    await addEndpoint(server, t, `${await r.listen()}/hook`);
    client = new Client(server.baseUrl, 64);
    const tenant: Tenant = { token: t.scimToken, scim: t.scimPath };
    const answered = new Map<string, number>();
    const tasks = makeUsers("e", 0, events).map((u) => {
      const call = createUserCall(tenant, u);
      const then = call.then!;
      return [
        {
          ...call,
          then: (status: number, body: string) => {
            answered.set(userName(u.key), Date.now());
            then(status, body);
          },
        },
      ];
    });
    const rec = new Recorder();
    const cpu = new CpuMeter();
    log(`code: ${code}; ${events} creates at ${rate}/s, one json endpoint, healthy receiver`);
    cpu.begin();
    const { seconds } = await openLoop(client, rec, tasks, rate);
    const drainStart = Date.now();
    let lastCron = Date.now();
    while (r.got.size < answered.size && Date.now() - drainStart < DRAIN_MS) {
      await sleep(250);
      if (Date.now() - lastCron > 10_000) {
        lastCron = Date.now();
        await fireCron(server);
      }
    }
    const otherCores = cpu.end().otherCores;
    const drainSeconds = (Date.now() - drainStart) / 1000;
    const fromCommit: number[] = [];
    const fromAnswer: number[] = [];
    for (const x of r.got.values()) {
      fromCommit.push(x.at - x.committed);
      const a = x.userName ? answered.get(x.userName) : undefined;
      if (a !== undefined) fromAnswer.push(x.at - a);
    }
    const stats = (xs: number[]) => {
      const s = [...xs].sort((a, b) => a - b);
      return { p50: quantile(s, 0.5), p99: quantile(s, 0.99), max: s[s.length - 1] ?? NaN };
    };
    const byCommit = [...r.got.values()].sort((x, y) => x.committed - y.committed);
    const tenths = Array.from({ length: 10 }, (_, i) =>
      stats(
        byCommit
          .slice(Math.floor((i * byCommit.length) / 10), Math.floor(((i + 1) * byCommit.length) / 10))
          .map((x) => x.at - x.committed),
      ),
    ).map(({ p50, p99 }) => ({ p50, p99 }));
    if (rec.errorCount) log(`first errors: ${JSON.stringify(rec.errorSamples.slice(0, 3))}`);
    return {
      events: answered.size,
      received: r.got.size,
      duplicates: r.requests() - r.got.size,
      rate,
      createSeconds: seconds,
      drainSeconds,
      fromCommit: stats(fromCommit),
      fromAnswer: stats(fromAnswer),
      tenths,
      otherCores,
      errors: rec.errorCount,
      code,
    };
  } catch (e) {
    if (server) console.error(`wrangler output (tail):\n${server.output()}`);
    throw e;
  } finally {
    client?.close();
    await server?.stop();
    await r.close();
    state.cleanup();
  }
}

function latencyMarkdown(x: LatencyResult): string {
  const ms = (v: number) => `${Math.round(v)} ms`;
  return [
    `## Events out: commit-to-receipt latency (${new Date().toISOString().slice(0, 16)}Z)`,
    "",
    `${x.events} users created at ${x.rate}/s (open loop, ${x.createSeconds.toFixed(0)} s), one \`json\` endpoint, a healthy receiver on 127.0.0.1; ` +
      `${os.cpus().length} × ${os.cpus()[0]?.model.trim() ?? "CPU"}, other processes' load ${x.otherCores.toFixed(2)} cores. Code: ${x.code}.`,
    "",
    "| from | p50 | p99 | max |",
    "| --- | ---: | ---: | ---: |",
    `| the commit time the event carries (\`timestamp\`) | ${ms(x.fromCommit.p50)} | ${ms(x.fromCommit.p99)} | ${ms(x.fromCommit.max)} |`,
    `| the SCIM create's answer | ${ms(x.fromAnswer.p50)} | ${ms(x.fromAnswer.p99)} | ${ms(x.fromAnswer.max)} |`,
    "",
    `By tenth of the run (commit order), p50 / p99 from the commit: ${x.tenths.map((t) => `${ms(t.p50)} / ${ms(t.p99)}`).join(", ")}.`,
    "",
    `Received ${x.received} of ${x.events} events (${x.duplicates} repeated deliveries), the last ${x.drainSeconds.toFixed(1)} s after the last create; request errors: ${x.errors}.`,
    "",
  ].join("\n");
}

/** ab.ts's interleaved A/B, the measured side with one endpoint pushing to a healthy receiver. */
function endpointAb(r: ReturnType<typeof receiver>): AbSpec {
  return {
    title: "Events out A/B: one endpoint vs none",
    sides: "one endpoint / none",
    file: "events-ab",
    variants: [
      {
        name: "endpoint",
        vars: LOOPBACK_VARS,
        setup: async (server, t) => addEndpoint(server, t, `${await r.listen()}/hook`),
      },
      { name: "none", vars: LOOPBACK_VARS },
    ],
  };
}

async function main(): Promise<number> {
  if (args.help) {
    console.log(HELP);
    return 0;
  }
  const out = path.resolve(args.out);
  mkdirSync(out, { recursive: true });
  let code = 0;
  if (!args["no-latency"]) {
    const x = await latencyRun(int("events"), int("rate"));
    const md = latencyMarkdown(x);
    writeFileSync(path.join(out, "events.md"), md);
    writeFileSync(path.join(out, "events.json"), JSON.stringify(x, null, 2) + "\n");
    console.log(`\n${md}`);
    if (x.errors || x.received < x.events) code = 1;
  }
  if (!args["no-ab"]) {
    const r = receiver();
    try {
      const abCode = await runAb({
        users: int("users"),
        concurrency: int("concurrency"),
        seconds: int("baseline-seconds"),
        rounds: int("ab-rounds"),
        outDir: out,
        spec: endpointAb(r),
      });
      log(`the endpoint side's receiver got ${r.got.size} events (${r.requests()} requests)`);
      code ||= abCode;
    } finally {
      await r.close();
    }
  }
  log(`written to ${path.relative(PROJECT_ROOT, out)}/events*.{md,json}`);
  return code;
}

process.exitCode = await main();
