/**
 * `npm run bench:slug-timing [-- options]`: can one request tell a known tenant slug from an
 * unknown one by its time? Under `wrangler dev` on the bench entry with D1 put back at a distance
 * (`--d1-rtt`, test/bench/worker/d1-delay.ts; on this machine local D1 answers in microseconds,
 * so without it both refusals cost the same), one client sends, alternating, a made-up Secret
 * Token to a known slug and to an unknown one, then a made-up poll token to both slugs' events
 * poll, one request at a time. Prints per kind the median and range (min-max) in ms; when the
 * ranges of a known and an unknown slug do not overlap, one request tells them apart.
 * `--rev <git revision>` measures that revision's src/ instead of the working tree (before/after).
 */
import { randomBytes } from "node:crypto";
import { parseArgs } from "node:util";
import { prepareState, startServer } from "./server.ts";

const HELP = `npm run bench:slug-timing -- [options]
  --requests N   requests per kind (default 20)
  --d1-rtt MS    emulated D1 round trip (default 40)
  --rev REV      bundle this git revision's src/ instead of the working tree`;

const { values: args } = parseArgs({
  options: {
    requests: { type: "string", default: "20" },
    "d1-rtt": { type: "string", default: "40" },
    rev: { type: "string" },
    help: { type: "boolean", default: false },
  },
});
if (args.help) {
  console.log(HELP);
  process.exit(0);
}
const REQUESTS = Number(args.requests);
const RTT = Number(args["d1-rtt"]);
if (!Number.isSafeInteger(REQUESTS) || REQUESTS < 1 || !Number.isSafeInteger(RTT) || RTT < 0) {
  console.error(HELP);
  process.exit(2);
}

const log = (s: string) => console.log(`[bench:slug-timing ${new Date().toISOString().slice(11, 19)}] ${s}`);
const MADE_UP_SCIM = `scim_${"Q".repeat(43)}`;

async function main() {
  const tag = randomBytes(3).toString("hex");
  const known = `bench-${tag}`;
  const unknown = `bench-${randomBytes(3).toString("hex")}`;
  const state = await prepareState([known], tag, args.rev ? { rev: args.rev } : {});
  const server = await startServer(state, RTT > 0 ? { BENCH_D1_RTT_MS: String(RTT) } : {});
  try {
    const tenant = state.tenants.get(known);
    if (!tenant) throw new Error("no tenant");
    const pollToken = `scimep_${"Q".repeat(43)}`;
    const kinds: Record<string, (i: number) => [string, string]> = {
      "known slug, made-up Secret Token": () => [`/t/${known}/scim/v2/Users?filter=userName+eq+%22a%22`, MADE_UP_SCIM],
      "unknown slug, made-up Secret Token": () => [
        `/t/${unknown}/scim/v2/Users?filter=userName+eq+%22a%22`,
        MADE_UP_SCIM,
      ],
      "known slug, made-up poll token (events poll)": () => [`/t/${known}/events/poll`, pollToken],
      "unknown slug, made-up poll token (events poll)": () => [`/t/${unknown}/events/poll`, pollToken],
    };
    const times = new Map<string, number[]>(Object.keys(kinds).map((k) => [k, []]));
    const statuses = new Map<string, Record<number, number>>();
    const send = async (kind: string, i: number) => {
      const [path, token] = kinds[kind](i);
      const poll = path.endsWith("/poll");
      const started = performance.now();
      const res = await fetch(server.baseUrl + path, {
        method: poll ? "POST" : "GET",
        headers: {
          Authorization: `Bearer ${token}`,
          ...(poll ? { "Content-Type": "application/json" } : {}),
        },
        body: poll ? "{}" : undefined,
      });
      await res.arrayBuffer();
      const ms = performance.now() - started;
      if (res.status !== 401 && res.status !== 429) throw new Error(`${kind}: ${res.status}`);
      (times.get(kind) as number[]).push(ms);
      const s = statuses.get(kind) ?? {};
      s[res.status] = (s[res.status] ?? 0) + 1;
      statuses.set(kind, s);
    };
    // Warm-up (isolate, bundle, first KV and D1 opens), not counted.
    for (const kind of Object.keys(kinds)) for (let i = 0; i < 3; i++) await send(kind, i).catch(() => undefined);
    for (const k of times.keys()) times.set(k, []);
    statuses.clear();
    log(`${REQUESTS} requests per kind, one at a time, alternating; D1 round trip emulated at ${RTT} ms`);
    for (let i = 0; i < REQUESTS; i++) for (const kind of Object.keys(kinds)) await send(kind, i);
    const fmt = (n: number) => n.toFixed(1);
    console.log(
      `\n| request (${args.rev ? `src/ of ${args.rev}` : "working tree"}, D1 RTT ${RTT} ms) | n | median ms | range ms | answers |`,
    );
    console.log("| --- | ---: | ---: | --- | --- |");
    for (const [kind, list] of times) {
      const sorted = [...list].sort((a, b) => a - b);
      const median = sorted[Math.floor(sorted.length / 2)];
      const answers = Object.entries(statuses.get(kind) ?? {})
        .map(([s, n]) => `${n}x ${s}`)
        .join(", ");
      console.log(
        `| ${kind} | ${list.length} | ${fmt(median)} | ${fmt(sorted[0])}-${fmt(sorted[sorted.length - 1])} | ${answers} |`,
      );
    }
  } finally {
    await server.stop();
    state.cleanup();
  }
}

await main();
