/**
 * `npm run bench -- --ab [--users N --concurrency C --baseline-seconds S --ab-rounds R --out DIR]`
 * (issue 18): what the provisioning activity record costs user lookups and creates, measured
 * A/B in one invocation. Two Workers run side by side under `wrangler dev`, the same code, each
 * with its own fresh tenant, one with the activity record on and one with it off
 * (`ACTIVITY=off`). In R rounds, alternating which side goes first, each side runs: its bare D1
 * read route for S s, N/R Entra lookups (`userName eq`, none found, as before a create), its bare
 * D1 write route for S s, and the N/R creates, closed loop, C in flight. Interleaving in short
 * slices puts both sides under the same background load, which a run of one after the other
 * (minutes apart, on a shared machine) does not. Per side: lookups × D1 read, creates × D1
 * write (req/s over the same side's baselines of the same rounds), and the difference on / off.
 * Goal: recording costs at most 5%. Writes ab.json and ab.md to --out; exit code 1 on errors.
 *
 * The two sides are an `AbSpec` (ACTIVITY_AB by default): `npm run bench:events` (events.ts)
 * compares one event endpoint configured against none the same way.
 */
import { randomBytes } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { type Call, Client, closedLoop, forDuration, Recorder, sleep } from "./driver.ts";
import { CpuMeter } from "./meters.ts";
import { type Tenant, userCreateTasks, userLookupTasks } from "./scenario.ts";
import { makeUsers } from "./seed.ts";
import {
  type BenchServer,
  type BenchState,
  type BenchTenant,
  codeVersion,
  prepareState,
  startServer,
} from "./server.ts";

/** One side of an A/B: its Worker vars, and what to set up in its tenant once the Worker runs. */
export interface AbVariant {
  name: string;
  vars: Record<string, string>;
  setup?: (server: BenchServer, tenant: BenchTenant) => Promise<void>;
}

/** What is compared: the first variant is the one whose cost is measured ("on"), the second the reference. */
export interface AbSpec {
  /** Report heading, e.g. "Activity record A/B". */
  title: string;
  /** What the sides are, e.g. "activity on / off". */
  sides: string;
  /** Output files: `<file>.md` and `<file>.json` in --out. */
  file: string;
  variants: [AbVariant, AbVariant];
}

export const ACTIVITY_AB: AbSpec = {
  title: "Activity record A/B",
  sides: "activity on / off",
  file: "ab",
  variants: [
    { name: "on", vars: {} },
    { name: "off", vars: { ACTIVITY: "off" } },
  ],
};

/** How much slower with the record on than off an operation may be. */
const AB_GOAL = 0.05;
/** After a side's creates, the queue consumer still writes their events (and records): let it finish. */
const SETTLE_MS = 1500;
const OPS = ["D1 read", "lookups", "D1 write", "creates"] as const;
type Op = (typeof OPS)[number];

const log = (s: string) => console.log(`[bench a/b ${new Date().toISOString().slice(11, 19)}] ${s}`);

interface Side {
  name: string;
  variant: AbVariant;
  slug: string;
  state: BenchState;
  server?: BenchServer;
  client?: Client;
  tenant?: Tenant;
  rec: Recorder;
  seconds: Record<Op, number>;
  /** req/s of each op in each round. */
  rounds: Record<Op, number>[];
  otherCoreSeconds: number;
}

export async function runAb(o: {
  users: number;
  concurrency: number;
  seconds: number;
  rounds: number;
  outDir: string;
  spec?: AbSpec;
  /** Worker vars both sides get (e.g. `--d1-rtt`'s emulated round trip), named in the report's title. */
  common?: { vars: Record<string, string>; label: string };
}): Promise<number> {
  const base = o.spec ?? ACTIVITY_AB;
  const spec: AbSpec = o.common
    ? {
        ...base,
        title: `${base.title} (${o.common.label})`,
        variants: base.variants.map((v) => ({ ...v, vars: { ...o.common?.vars, ...v.vars } })) as [
          AbVariant,
          AbVariant,
        ],
      }
    : base;
  const tag = randomBytes(3).toString("hex");
  const sides: Side[] = [];
  try {
    for (const variant of spec.variants) {
      const slug = `ab-${tag}-${variant.name}`;
      log(`onboarding ${slug} (${variant.name}) with the tenant CLI...`);
      const state = await prepareState([slug], `${tag}${variant.name}`);
      sides.push({
        name: variant.name,
        variant,
        slug,
        state,
        rec: new Recorder(),
        seconds: zero(),
        rounds: [],
        otherCoreSeconds: 0,
      });
    }
    // What was bundled, named now: the working tree may change while the rounds run.
    const code = codeVersion({});
    for (const s of sides) {
      s.server = await startServer(s.state, s.variant.vars);
      s.client = new Client(s.server.baseUrl, Math.max(o.concurrency, 64));
      const t = s.state.tenants.get(s.slug);
      if (!t) throw new Error(`no tenant ${s.slug}`);
      await s.variant.setup?.(s.server, t);
      s.tenant = { token: t.scimToken, scim: t.scimPath };
      // Warm-up: JIT, sockets, D1 files, the isolate's token and tenant state; not recorded.
      await forDuration(s.client, new Recorder(), () => readCall(s), o.concurrency, 2);
      await closedLoop(s.client, new Recorder(), userLookupTasks(s.tenant, makeUsers("w", 0, 200)), o.concurrency);
    }
    log(`code: ${code}; ${o.rounds} rounds, ${o.users} users per side, ${o.concurrency} in flight`);
    const perRound = Math.max(1, Math.floor(o.users / o.rounds));
    for (let round = 0; round < o.rounds; round++) {
      const order = round % 2 === 0 ? sides : [...sides].reverse();
      for (const s of order) {
        const users = makeUsers(`r${round}`, 0, perRound);
        const client = s.client as Client;
        s.rounds.push(zero());
        const tenant = s.tenant as Tenant;
        await measure(s, "D1 read", () => forDuration(client, s.rec, () => readCall(s), o.concurrency, o.seconds));
        await measure(s, "lookups", () => closedLoop(client, s.rec, userLookupTasks(tenant, users), o.concurrency));
        await measure(s, "D1 write", () => forDuration(client, s.rec, () => writeCall(s), o.concurrency, o.seconds));
        await measure(s, "creates", () => closedLoop(client, s.rec, userCreateTasks(tenant, users), o.concurrency));
        await sleep(SETTLE_MS);
      }
      const line = (s: Side) => OPS.map((op) => s.rounds[round][op].toFixed(0)).join("/");
      log(`round ${round + 1}: ${sides.map((s) => `${s.name} ${line(s)}`).join(", ")} req/s (${OPS.join("/")})`);
    }
    const md = report(sides, spec, o);
    mkdirSync(o.outDir, { recursive: true });
    writeFileSync(path.join(o.outDir, `${spec.file}.md`), md);
    writeFileSync(
      path.join(o.outDir, `${spec.file}.json`),
      JSON.stringify(
        sides.map((s) => ({
          side: s.name,
          rps: Object.fromEntries(OPS.map((op, i) => [op, figures(s)[i]])),
          errors: s.rec.errorCount,
        })),
        null,
        2,
      ) + "\n",
    );
    console.log(`\n${md}`);
    const errors = sides.reduce((n, s) => n + s.rec.errorCount, 0);
    if (errors) log(`first errors: ${JSON.stringify(sides.flatMap((s) => s.rec.errorSamples).slice(0, 3))}`);
    return errors ? 1 : 0;
  } finally {
    for (const s of sides) {
      s.client?.close();
      await s.server?.stop();
      s.state.cleanup();
    }
  }
}

const zero = (): Record<Op, number> => ({ "D1 read": 0, lookups: 0, "D1 write": 0, creates: 0 });

const readCall = (s: Side): Call => ({ op: "D1 read", method: "GET", path: `/bench/${s.slug}/read`, expect: [200] });
const writeCall = (s: Side): Call => ({
  op: "D1 write",
  method: "POST",
  path: `/bench/${s.slug}/write`,
  body: "{}",
  expect: [200],
});

/** Runs one slice; the scenario's calls are named by OPS in scenario.ts, so they are counted by time here. */
async function measure(s: Side, op: Op, run: () => Promise<number>) {
  const cpu = new CpuMeter();
  const before = countOf(s, op);
  cpu.begin();
  const secs = await run();
  s.rounds[s.rounds.length - 1][op] = (countOf(s, op) - before) / secs;
  s.seconds[op] += secs;
  s.otherCoreSeconds += cpu.end().otherCores * secs;
}

/** Requests of `op` so far (the scenario names lookups and creates by their route). */
function countOf(s: Side, op: Op): number {
  const name = op === "lookups" ? "GET /Users?filter=userName eq" : op === "creates" ? "POST /Users" : op;
  return s.rec.stats(name).samples.length;
}

/** req/s per op over all rounds: requests of that op over the seconds of its slices. */
const figures = (s: Side): number[] => OPS.map((op) => (s.seconds[op] ? countOf(s, op) / s.seconds[op] : NaN));

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

function report(
  sides: Side[],
  spec: AbSpec,
  o: { rounds: number; users: number; concurrency: number; seconds: number },
): string {
  const [on, off] = sides.map(figures);
  const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
  const rows = [
    { name: "user lookups (`userName eq`)", i: 1, base: 0 },
    { name: "user creates (POST /Users)", i: 3, base: 2 },
  ].map(({ name, i, base }) => {
    const [a, b] = [on[i] / on[base], off[i] / off[base]];
    const diff = a / b - 1;
    // The same ratio round by round (each round's slices ran minutes apart from the others'): its median.
    const [opName, baseName] = [OPS[i], OPS[base]];
    const perRound = sides[0].rounds.map(
      (r, k) => r[opName] / r[baseName] / (sides[1].rounds[k][opName] / sides[1].rounds[k][baseName]) - 1,
    );
    const rawDiff = on[i] / off[i] - 1;
    return `| ${name} | ${on[i].toFixed(0)} / ${off[i].toFixed(0)} (${pct(rawDiff)}) | ${pct(a)} / ${pct(b)} | ${pct(diff)} | ${pct(median(perRound))} (${perRound.map(pct).join(", ")}) | ${median(perRound) >= -AB_GOAL ? "yes" : "**no**"} |`;
  });
  const other = sides.map((s) => (s.otherCoreSeconds / Object.values(s.seconds).reduce((x, y) => x + y, 0)).toFixed(2));
  return [
    `## ${spec.title}, interleaved (${new Date().toISOString().slice(0, 16)}Z)`,
    "",
    `${o.rounds} rounds, ${o.users} users per side, ${o.concurrency} in flight, baselines ${o.seconds} s per slice. Figures: ${spec.sides}.`,
    `× bare D1 route: lookups over the same side's D1 read route, creates over its D1 write route. Difference: (${sides[0].name} / ${sides[1].name}) − 1.`,
    "",
    "| operation | req/s (difference) | × bare D1 route | difference | median of rounds (each round) | within 5% (median) |",
    "| --- | ---: | ---: | ---: | ---: | --- |",
    ...rows,
    "",
    `Bare D1 routes (req/s, read / write): ${sides[0].name} ${on[0].toFixed(0)} / ${on[2].toFixed(0)}, ${sides[1].name} ${off[0].toFixed(0)} / ${off[2].toFixed(0)}. ` +
      `Other processes' load during the slices (cores): ${sides[0].name} ${other[0]}, ${sides[1].name} ${other[1]}. Errors: ${sides.reduce((n, s) => n + s.rec.errorCount, 0)}.`,
    "",
  ].join("\n");
}
