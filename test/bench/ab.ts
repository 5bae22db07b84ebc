/**
 * `npm run bench -- --ab [options]` (issue 18): the provisioning activity record's cost, measured
 * A/B in one invocation. The whole bench runs twice back to back, same options, in child
 * processes: first with the activity record on, then off (`--no-activity`), each writing its own
 * latest.json under --out (`activity-on/`, `activity-off/`). Then a table compares user lookups
 * and creates: req/s, × the same run's bare D1 read / write route (which cancels a drift of the
 * machine's speed between the two halves, and still includes what recording costs), and the
 * other processes' load, so a disturbed half can be seen. Goal: recording costs lookups and
 * creates at most 5% (× D1 route with the record on / off ≥ 0.95). Exit code 1 if a run failed.
 */
import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { ClosedOp, Results } from "./report.ts";
import { OPS } from "./scenario.ts";

/** How much slower with the record on than off an operation may be. */
const AB_GOAL = 0.05;

const log = (s: string) => console.log(`[bench a/b ${new Date().toISOString().slice(11, 19)}] ${s}`);

export function runAb(argv: string[], outDir: string, script: string): number {
  const passOn = argv.filter((a) => a !== "--ab" && a !== "--no-activity");
  const withoutOut: string[] = [];
  for (let i = 0; i < passOn.length; i++) {
    if (passOn[i] === "--out") i++;
    else if (!passOn[i].startsWith("--out=")) withoutOut.push(passOn[i]);
  }
  const halves = [
    { name: "on", extra: [] as string[] },
    { name: "off", extra: ["--no-activity"] },
  ].map((h) => ({ ...h, out: path.join(outDir, `activity-${h.name}`) }));
  let failed = false;
  for (const h of halves) {
    log(`activity ${h.name}: npm run bench -- ${[...withoutOut, ...h.extra, "--out", h.out].join(" ")}`);
    const r = spawnSync(process.execPath, [...process.execArgv, script, ...withoutOut, ...h.extra, "--out", h.out], {
      stdio: "inherit",
    });
    if (r.status !== 0) failed = true;
  }
  const [on, off] = halves.map((h) => JSON.parse(readFileSync(path.join(h.out, "latest.json"), "utf8")) as Results);
  const md = abTable(on, off);
  writeFileSync(path.join(outDir, "ab.md"), md);
  console.log(`\n${md}`);
  return failed ? 1 : 0;
}

function abTable(on: Results, off: Results): string {
  const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
  const op = (r: Results, name: string) => r.closed.ops.find((o) => o.op === name) as ClosedOp;
  const rows = [
    { name: OPS.userLookup, base: "read" as const },
    { name: OPS.userCreate, base: "write" as const },
  ].map(({ name, base }) => {
    const [a, b] = [op(on, name), op(off, name)];
    const vs = (o: ClosedOp) => (base === "read" ? o.vsRead : o.vsWrite);
    const ratio = vs(a) / vs(b);
    return {
      line: `| ${name} | ${a.rps?.toFixed(0)} / ${b.rps?.toFixed(0)} | ${pct(vs(a))} / ${pct(vs(b))} (D1 ${base}) | ${pct(ratio - 1)} | ${a.p50Ms.toFixed(1)} / ${b.p50Ms.toFixed(1)} | ${a.otherCores.toFixed(2)} / ${b.otherCores.toFixed(2)} | ${ratio >= 1 - AB_GOAL ? "yes" : "**no**"} |`,
    };
  });
  const errors = on.errors.total + off.errors.total;
  return [
    `## Activity record A/B (${on.date.slice(0, 16)}Z and ${off.date.slice(0, 16)}Z, ${on.machine.cpus} × ${on.machine.cpuModel})`,
    "",
    "Figures: activity on / off. Difference: (× D1 route on) / (× D1 route off) − 1; negative = recording costs that much.",
    "",
    "| operation | req/s | × bare D1 route | difference | p50 ms | other load (cores) | within 5% |",
    "| --- | ---: | ---: | ---: | ---: | ---: | --- |",
    ...rows.map((r) => r.line),
    "",
    `D1 baselines (req/s, read / write): on ${on.baselines.rps.read.toFixed(0)} / ${on.baselines.rps.write.toFixed(0)}, off ${off.baselines.rps.read.toFixed(0)} / ${off.baselines.rps.write.toFixed(0)}. Errors: ${errors}.`,
    "",
  ].join("\n");
}
