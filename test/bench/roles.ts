/**
 * `npm run bench:roles [-- options]` (docs/roles.md): the effective roles under local workerd.
 * 1. Recompute at scale: N users (seeded straight into D1) all members of one group; one mapping
 *    edit (the group -> a role) saved through the admin API; the time until every user's roles
 *    are recomputed (no user left marked) and the rate, from the Queue consumer's bounded rounds.
 * 2. The computation's cost on membership PATCHes, A/B in one run: the same Worker and tenant,
 *    one PATCH adding or removing one member at a time, on a group no rule names ("unmapped":
 *    the trigger's index probe only) and on a group a rule names ("mapped": the member is marked
 *    and recomputed by the consumer, with its event), in rounds alternating which side goes first.
 * Prints the figures and writes roles.{md,json} to --out. No assertion on time.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os, { tmpdir } from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { PROJECT_ROOT } from "../blackbox/harness.ts";
import { makeUsers, seedUsers } from "./seed.ts";
import { executeSqlFile, prepareState, startServer } from "./server.ts";

const { values: args } = parseArgs({
  options: {
    users: { type: "string", default: "50000" },
    patches: { type: "string", default: "400" },
    rounds: { type: "string", default: "4" },
    concurrency: { type: "string", default: "4" },
    settle: { type: "string", default: "120" },
    out: { type: "string", default: path.join(PROJECT_ROOT, "test/bench/results") },
  },
});
const N = Number(args.users);
const PATCHES = Number(args.patches);
const ROUNDS = Number(args.rounds);
const C = Number(args.concurrency);
const log = (s: string) => console.log(s);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const slug = `roles${Math.random().toString(36).slice(2, 8)}`;
const state = await prepareState([slug], slug);
const tenant = state.tenants.get(slug)!;
const users = makeUsers("rb", 0, N);
const pool = makeUsers("rp", 0, 200);
log(`seeding ${N.toLocaleString("en")} users (+${pool.length} for the A/B) into ${slug}`);
await seedUsers(state, slug, [...users, ...pool], log);
const big = crypto.randomUUID();
const mapped = crypto.randomUUID();
const unmapped = crypto.randomUUID();
const dir = mkdtempSync(path.join(tmpdir(), "roles-bench-"));
const now = new Date().toISOString();
const group = (id: string, name: string) =>
  `INSERT INTO groups (id, display_name, source, doc, version, created, last_modified) VALUES ('${id}', '${name}', 'scim', '${JSON.stringify({ displayName: name })}', 1, '${now}', '${now}');`;
const members = [];
for (let i = 0; i < users.length; i += 500) {
  members.push(
    `INSERT INTO group_members (group_id, member_id) VALUES ${users
      .slice(i, i + 500)
      .map((u) => `('${big}', '${u.id}')`)
      .join(", ")};`,
  );
}
writeFileSync(
  path.join(dir, "groups.sql"),
  [group(big, "Bench everyone"), group(mapped, "Bench mapped"), group(unmapped, "Bench unmapped"), ...members].join(
    "\n",
  ),
);
await executeSqlFile(state, slug, path.join(dir, "groups.sql"));
rmSync(dir, { recursive: true, force: true });

const server = await startServer(state);
const admin = (p: string, init: RequestInit = {}) =>
  fetch(`${server.baseUrl}/t/${slug}/admin/api${p}`, {
    ...init,
    headers: { authorization: `Bearer ${tenant.adminToken}`, "content-type": "application/json" },
  });
const scim = (p: string, body: unknown) =>
  fetch(`${server.baseUrl}${tenant.scimPath}${p}`, {
    method: "PATCH",
    headers: { authorization: `Bearer ${tenant.scimToken}`, "content-type": "application/scim+json" },
    body: JSON.stringify(body),
  });

try {
  // 1. One mapping edit over N members.
  const edit = performance.now();
  const saved = await admin("/roles", {
    method: "PUT",
    body: JSON.stringify({
      roles: [{ id: "kiosk" }, { id: "helpdesk" }],
      rules: [
        { precedence: 1, group: big, role: "kiosk" },
        { precedence: 2, group: mapped, role: "helpdesk" },
      ],
    }),
  });
  if (saved.status !== 200) throw new Error(`mapping: ${saved.status} ${await saved.text()}`);
  const saveMs = performance.now() - edit;
  let pending = N;
  const samples: { s: number; pending: number }[] = [];
  while (pending > 0) {
    await sleep(1000);
    pending = ((await (await admin("/roles/progress")).json()) as { pending: number }).pending;
    samples.push({ s: (performance.now() - edit) / 1000, pending });
    if (samples.length % 10 === 0)
      log(`  ${samples.at(-1)!.s.toFixed(0)} s: ${pending.toLocaleString("en")} users waiting`);
    if (samples.length > 3600) throw new Error("recompute did not finish in an hour");
  }
  const recomputeS = (performance.now() - edit) / 1000;
  const view = (await (await admin("/roles")).json()) as { catalog: { id: string; holders: number }[] };
  const holders = view.catalog.find((r) => r.id === "kiosk")?.holders ?? 0;
  log(
    `recompute: ${N.toLocaleString("en")} users in ${recomputeS.toFixed(1)} s (${(N / recomputeS).toFixed(0)} users/s); save answered in ${saveMs.toFixed(0)} ms; kiosk holders ${holders}`,
  );

  // The recompute's events (audit entries, security events) are still being written by the
  // consumer: the A/B starts once they are, or its first side would pay for them.
  const settle = Number(args.settle);
  log(`waiting ${settle} s for the consumer to write the recompute's ${N.toLocaleString("en")} events`);
  await sleep(settle * 1000);

  // 2. A/B: membership PATCHes on an unmapped and a mapped group, interleaved.
  const patch = (g: string, id: string, op: "add" | "remove") =>
    op === "add"
      ? {
          schemas: ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
          Operations: [{ op: "add", path: "members", value: [{ value: id }] }],
        }
      : {
          schemas: ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
          Operations: [{ op: "remove", path: `members[value eq "${id}"]` }],
        };
  const side = async (g: string, round: number) => {
    const per = Math.floor(PATCHES / ROUNDS);
    const jobs = Array.from({ length: per }, (_, i) => {
      const u = pool[(round * per + i) % pool.length];
      return () => scim(`/Groups/${g}`, patch(g, u.id, i % 2 === 0 ? "add" : "remove"));
    });
    const lat: number[] = [];
    let next = 0;
    let errors = 0;
    const t0 = performance.now();
    await Promise.all(
      Array.from({ length: C }, async () => {
        while (next < jobs.length) {
          const job = jobs[next++];
          const s = performance.now();
          const res = await job();
          await res.arrayBuffer();
          if (res.status >= 300) errors++;
          lat.push(performance.now() - s);
        }
      }),
    );
    return { n: jobs.length, seconds: (performance.now() - t0) / 1000, lat, errors };
  };
  const total = {
    unmapped: { n: 0, s: 0, lat: [] as number[], errors: 0 },
    mapped: { n: 0, s: 0, lat: [] as number[], errors: 0 },
  };
  for (let r = 0; r < ROUNDS; r++) {
    const order = r % 2 === 0 ? (["unmapped", "mapped"] as const) : (["mapped", "unmapped"] as const);
    for (const name of order) {
      const res = await side(name === "mapped" ? mapped : unmapped, r);
      total[name].n += res.n;
      total[name].s += res.seconds;
      total[name].lat.push(...res.lat);
      total[name].errors += res.errors;
      // Let the mapped side's background recompute finish inside its own slice, not the next side's.
      if (name === "mapped") {
        for (let i = 0; i < 60; i++) {
          if (((await (await admin("/roles/progress")).json()) as { pending: number }).pending === 0) break;
          await sleep(250);
        }
      }
    }
  }
  const pct = (l: number[], p: number) =>
    [...l].sort((a, b) => a - b)[Math.min(l.length - 1, Math.floor((p / 100) * l.length))];
  const summary = Object.fromEntries(
    Object.entries(total).map(([k, v]) => [
      k,
      { patches: v.n, perSecond: v.n / v.s, p50: pct(v.lat, 50), p95: pct(v.lat, 95), errors: v.errors },
    ]),
  );
  const diff = (summary.unmapped.perSecond - summary.mapped.perSecond) / summary.unmapped.perSecond;
  const lines = [
    `# Roles bench (${new Date().toISOString()}, ${os.cpus().length} cores)`,
    "",
    `Recompute after one mapping edit: ${N.toLocaleString("en")} users in ${recomputeS.toFixed(1)} s (${(N / recomputeS).toFixed(0)} users/s); the save answered in ${saveMs.toFixed(0)} ms.`,
    "",
    "| membership PATCH | patches | req/s | p50 ms | p95 ms | errors |",
    "| --- | --- | --- | --- | --- | --- |",
    ...Object.entries(summary).map(
      ([k, v]) =>
        `| ${k} group | ${v.patches} | ${v.perSecond.toFixed(1)} | ${v.p50.toFixed(1)} | ${v.p95.toFixed(1)} | ${v.errors} |`,
    ),
    "",
    `Mapped vs unmapped: ${(diff * 100).toFixed(1)}% fewer PATCHes/s (goal: within 5%).`,
  ];
  log(lines.join("\n"));
  mkdirSync(args.out!, { recursive: true });
  writeFileSync(path.join(args.out!, "roles.md"), lines.join("\n") + "\n");
  writeFileSync(
    path.join(args.out!, "roles.json"),
    JSON.stringify({ users: N, recomputeS, saveMs, holders, summary, diff, samples }, null, 2),
  );
  process.exitCode = summary.mapped.errors + summary.unmapped.errors > 0 || holders !== N ? 1 : 0;
} finally {
  await server.stop();
  state.cleanup();
}
