/**
 * `npm run bench:bad-token [-- options]`: what a request with a made-up token costs, by the
 * query it carries (issue 12, "no work before the token"). Under `wrangler dev` with one tenant
 * of --users users (seeded in bulk), closed loop, the same made-up token (right prefix, right
 * length) sends
 * - Entra's lookup `userName eq "..."` (its single-row read rides in the token check's batch),
 * - a worst-case filter (LIKE scans over every user's document, count included), as a GET and
 *   as a POST /.search body,
 * alternating in --rounds rounds so that drift hits both alike, then the worst-case filter with
 * the tenant's good token as the reference of what that filter really costs. Before the verdict
 * only fixed, small reads may run, so the bad-token rows should be within noise of each other
 * and far below the reference. Refusals past the rate limit answer 429 instead of 401 after
 * the same token check (src/http/auth-failures.ts); both count as expected answers.
 * Writes bad-token.json and bad-token.md to --out.
 */
import { randomBytes } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { PROJECT_ROOT } from "../blackbox/harness.ts";
import { type Call, Client, forDuration, type OpSummary, Recorder } from "./driver.ts";
import { makeUsers, seedUsers } from "./seed.ts";
import { codeVersion, prepareState, startServer } from "./server.ts";
import { eqFilter } from "./shapes.ts";

const HELP = `npm run bench:bad-token -- [options]
  --users N        users in the tenant (default 10000; e.g. --users 200 for a quick check)
  --seconds S      seconds per operation per round (default 5)
  --rounds R       rounds of the bad-token operations, alternating (default 2)
  --concurrency N  requests in flight (default 4)
  --out DIR        where bad-token.json and bad-token.md go (default test/bench/results)`;

const { values: args } = parseArgs({
  options: {
    users: { type: "string", default: "10000" },
    seconds: { type: "string", default: "5" },
    rounds: { type: "string", default: "2" },
    concurrency: { type: "string", default: "4" },
    out: { type: "string", default: "test/bench/results" },
    help: { type: "boolean", default: false },
  },
});
if (args.help) {
  console.log(HELP);
  process.exit(0);
}
const int = (name: "users" | "seconds" | "rounds" | "concurrency") => {
  const n = Number(args[name]);
  if (!Number.isSafeInteger(n) || n < 1) {
    console.error(`--${name} must be an integer >= 1\n\n${HELP}`);
    process.exit(2);
  }
  return n;
};
const USERS = int("users");
const SECONDS = int("seconds");
const ROUNDS = int("rounds");
const CONCURRENCY = int("concurrency");
const OUT_DIR = path.resolve(PROJECT_ROOT, args.out as string);

/** Scans every user's document five ways; within the filter limits (terms, depth) of src/scim/filter. */
const WORST_FILTER =
  'userName sw "bench" and (title co "zz" or displayName co "zz" or nickName co "zz" or name.givenName ew "zz" or not (emails co "zz"))';
const MADE_UP_TOKEN = `scim_${"Q".repeat(43)}`;

const OPS = {
  trivial: 'bad token: GET /Users?filter=userName eq "..."',
  worstGet: "bad token: GET /Users?filter=<worst case>",
  worstSearch: "bad token: POST /Users/.search <worst case>",
  reference: "good token: GET /Users?filter=<worst case> (reference)",
} as const;

const log = (s: string) => console.log(`[bench:bad-token ${new Date().toISOString().slice(11, 19)}] ${s}`);

async function main(): Promise<void> {
  const tag = randomBytes(3).toString("hex");
  const slug = `bench-${tag}`;
  log(`onboarding ${slug} with the tenant CLI...`);
  const state = await prepareState([slug], tag);
  let server: Awaited<ReturnType<typeof startServer>> | undefined;
  try {
    log(`seeding ${USERS} users in bulk...`);
    await seedUsers(state, slug, makeUsers("p", 0, USERS), log);
    server = await startServer(state);
    const tenant = state.tenants.get(slug);
    if (!tenant) throw new Error("no tenant");
    const client = new Client(server.baseUrl, CONCURRENCY);
    const statuses = new Map<string, Record<number, number>>();
    const count = (op: string) => (status: number) => {
      const s = statuses.get(op) ?? {};
      s[status] = (s[status] ?? 0) + 1;
      statuses.set(op, s);
    };
    const calls: Record<keyof typeof OPS, () => Call> = {
      trivial: () => ({
        op: OPS.trivial,
        method: "GET",
        path: `${tenant.scimPath}/Users?${eqFilter("userName", "nobody@contoso.example")}`,
        token: MADE_UP_TOKEN,
        expect: [401, 429],
        then: count(OPS.trivial),
      }),
      worstGet: () => ({
        op: OPS.worstGet,
        method: "GET",
        path: `${tenant.scimPath}/Users?filter=${encodeURIComponent(WORST_FILTER)}`,
        token: MADE_UP_TOKEN,
        expect: [401, 429],
        then: count(OPS.worstGet),
      }),
      worstSearch: () => ({
        op: OPS.worstSearch,
        method: "POST",
        path: `${tenant.scimPath}/Users/.search`,
        body: { filter: WORST_FILTER },
        token: MADE_UP_TOKEN,
        expect: [401, 429],
        then: count(OPS.worstSearch),
      }),
      reference: () => ({
        op: OPS.reference,
        method: "GET",
        path: `${tenant.scimPath}/Users?filter=${encodeURIComponent(WORST_FILTER)}`,
        token: tenant.scimToken,
        expect: [200],
        then: count(OPS.reference),
      }),
    };
    const rec = new Recorder();
    const warm = new Recorder();
    await forDuration(client, warm, () => ({ ...calls.trivial(), op: "warm", then: undefined }), CONCURRENCY, 1);
    await forDuration(client, warm, () => ({ ...calls.reference(), op: "warm", then: undefined }), 1, 1);
    if (warm.errorCount) throw new Error(`warm-up failed: ${JSON.stringify(warm.errorSamples.slice(0, 3))}`);
    const wall = new Map<string, number>();
    const run = async (key: keyof typeof OPS) => {
      log(`${OPS[key]}: ${SECONDS} s, ${CONCURRENCY} in flight...`);
      wall.set(
        OPS[key],
        (wall.get(OPS[key]) ?? 0) + (await forDuration(client, rec, calls[key], CONCURRENCY, SECONDS)),
      );
    };
    for (let r = 0; r < ROUNDS; r++) {
      const order: (keyof typeof OPS)[] =
        r % 2 === 0 ? ["trivial", "worstGet", "worstSearch"] : ["worstSearch", "worstGet", "trivial"];
      for (const key of order) await run(key);
    }
    await run("reference");
    client.close();

    const rows: (OpSummary & { statuses: Record<number, number> })[] = Object.values(OPS).map((op) => ({
      ...rec.stats(op).summary(wall.get(op)),
      statuses: statuses.get(op) ?? {},
    }));
    const trivial = rows[0];
    const results = {
      date: new Date().toISOString(),
      code: codeVersion({}),
      options: { users: USERS, seconds: SECONDS, rounds: ROUNDS, concurrency: CONCURRENCY },
      worstFilter: WORST_FILTER,
      ops: rows,
      errors: { total: rec.errorCount, samples: rec.errorSamples },
    };
    const f = (x: number) => x.toFixed(1);
    const md = [
      `## Bad-token latency by query (${USERS.toLocaleString("en-US")} users, ${CONCURRENCY} in flight)`,
      "",
      `Worst-case filter: \`${WORST_FILTER}\``,
      "",
      "| operation | requests | answers | p50 ms | p95 ms | p99 ms | p50 vs trivial |",
      "|---|---:|---|---:|---:|---:|---:|",
      ...rows.map(
        (s) =>
          `| ${s.op} | ${s.count} | ${Object.entries(s.statuses)
            .map(([k, v]) => `${k}×${v}`)
            .join(", ")} | ${f(s.p50Ms)} | ${f(s.p95Ms)} | ${f(s.p99Ms)} | ×${(s.p50Ms / trivial.p50Ms).toFixed(2)} |`,
      ),
      "",
      `Errors: ${rec.errorCount}. Code: ${results.code}.`,
      "",
    ].join("\n");
    mkdirSync(OUT_DIR, { recursive: true });
    writeFileSync(path.join(OUT_DIR, "bad-token.json"), JSON.stringify(results, null, 2) + "\n");
    writeFileSync(path.join(OUT_DIR, "bad-token.md"), md);
    console.log("\n" + md);
    if (rec.errorCount > 0) {
      log(`first errors: ${JSON.stringify(rec.errorSamples.slice(0, 3))}`);
      process.exitCode = 1;
    }
  } catch (e) {
    if (server) console.error(`wrangler output (tail):\n${server.output()}`);
    throw e;
  } finally {
    await server?.stop();
    state.cleanup();
  }
}

await main();
