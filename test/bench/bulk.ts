/**
 * The bulk phase of `npm run bench`: the same number of new users created twice in one run,
 * once as single `POST /Users` requests (closed loop, `concurrency` in flight, as the cycle's
 * create phase runs them) and once as ONE `POST /Bulk` request (RFC 7644 3.7). Each side gets
 * its own users (keys `bs…` and `bb…`), so neither meets the other's names.
 */
import { type Client, closedLoop, Recorder, type Task, timed } from "./driver.ts";
import type { Tenant } from "./scenario.ts";
import { userBody } from "./shapes.ts";

export interface BulkFigures {
  users: number;
  concurrency: number;
  singleSeconds: number;
  singleRps: number;
  bulkSeconds: number;
  /** Users created per second by the one /Bulk request. */
  bulkUsersPerSecond: number;
  bulkRequestBytes: number;
  /** Operations the /Bulk answer reported as 201. */
  bulkCreated: number;
  errors: number;
}

export async function runBulkPhase(opts: {
  client: Client;
  rec: Recorder;
  tenant: Tenant;
  users: number;
  concurrency: number;
  log: (s: string) => void;
}): Promise<BulkFigures> {
  const { client, tenant, users, concurrency, log } = opts;
  const single = new Recorder();
  const tasks: Task[] = Array.from({ length: users }, (_, i) => [
    {
      op: "bulk phase: POST /Users",
      method: "POST",
      path: `${tenant.scim}/Users`,
      body: userBody(`bs${i}`, i),
      token: tenant.token,
      expect: [201],
    },
  ]);
  log(`bulk phase: ${users} single POST /Users, ${concurrency} in flight...`);
  const singleSeconds = await closedLoop(client, single, tasks, concurrency);

  const body = {
    schemas: ["urn:ietf:params:scim:api:messages:2.0:BulkRequest"],
    Operations: Array.from({ length: users }, (_, i) => ({
      method: "POST",
      path: "/Users",
      bulkId: `b${i}`,
      data: userBody(`bb${i}`, i),
    })),
  };
  let bulkCreated = 0;
  const bulk = new Recorder();
  log(`bulk phase: one POST /Bulk of ${users} creates...`);
  const started = performance.now();
  await timed(client, bulk, {
    op: "bulk phase: POST /Bulk",
    method: "POST",
    path: `${tenant.scim}/Bulk`,
    body,
    token: tenant.token,
    expect: [200],
    then: (_s, text) => {
      const ops = (JSON.parse(text) as { Operations: { status: string }[] }).Operations;
      bulkCreated = ops.filter((o) => o.status === "201").length;
      if (bulkCreated !== users)
        throw new Error(`${users - bulkCreated} of ${users} bulk creates failed: ${text.slice(0, 300)}`);
    },
  });
  const bulkSeconds = (performance.now() - started) / 1000;
  for (const r of [single, bulk]) {
    for (const e of r.errorSamples) opts.rec.errorSamples.push(e);
    opts.rec.stats("bulk phase").errors += r.errorCount;
  }
  const figures: BulkFigures = {
    users,
    concurrency,
    singleSeconds,
    singleRps: users / singleSeconds,
    bulkSeconds,
    bulkUsersPerSecond: users / bulkSeconds,
    bulkRequestBytes: Buffer.byteLength(JSON.stringify(body)),
    bulkCreated,
    errors: single.errorCount + bulk.errorCount,
  };
  log(
    `  single: ${singleSeconds.toFixed(2)} s (${figures.singleRps.toFixed(0)} users/s); /Bulk: ${bulkSeconds.toFixed(2)} s (${figures.bulkUsersPerSecond.toFixed(0)} users/s), errors ${figures.errors}`,
  );
  return figures;
}

/** The phase's markdown section. */
export function bulkMarkdown(b: BulkFigures): string {
  return [
    `### Bulk: ${b.users.toLocaleString("en-US")} user creates, single requests vs one /Bulk`,
    "",
    "| way | requests | wall time | users/s |",
    "| --- | ---: | ---: | ---: |",
    `| single POST /Users (${b.concurrency} in flight) | ${b.users} | ${b.singleSeconds.toFixed(2)} s | ${b.singleRps.toFixed(0)} |`,
    `| one POST /Bulk (${(b.bulkRequestBytes / 1024).toFixed(0)} KiB) | 1 | ${b.bulkSeconds.toFixed(2)} s | ${b.bulkUsersPerSecond.toFixed(0)} |`,
    "",
    `/Bulk is ×${(b.singleSeconds / b.bulkSeconds).toFixed(2)} the single requests' speed; ${b.bulkCreated} of ${b.users} bulk creates answered 201; errors ${b.errors}.`,
    "",
  ].join("\n");
}
