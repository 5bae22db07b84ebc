/**
 * The scale figures, on two tenants seeded in bulk (seed.ts): userName lookups at 1,000 vs
 * 100,000 users (alternating blocks, 1 in flight, so the two see the same machine), a group of
 * 50,000 members built by PATCHes of 10,000, and its GET with and without members. First, a
 * check that seeded rows read back exactly like rows the Worker writes.
 */
import { type Call, type Client, closedLoop, Recorder, type Task, timed } from "./driver.ts";
import type { Results } from "./report.ts";
import { chunks, createUserCall, type CycleUser, lookupUserCall, patchGroupCall, type Tenant } from "./scenario.ts";
import type { SeededUser } from "./seed.ts";
import { addMembersPatch, ENTERPRISE, groupBody, storedUserDoc, USER_SCHEMA } from "./shapes.ts";

export interface ScaleInput {
  client: Client;
  rec: Recorder;
  log: (s: string) => void;
  /** Seeded with size - 1 users; the last one is created over HTTP for the seed check. */
  small: { tenant: Tenant; users: SeededUser[]; size: number };
  large: { tenant: Tenant; users: SeededUser[] };
  bigGroup: number;
  bigPatch: number;
  seedSeconds: number;
}

const n = (x: number) => x.toLocaleString("en-US");

export async function runScale(input: ScaleInput): Promise<NonNullable<Results["scale"]>> {
  const { client, rec: srec, log, bigGroup, bigPatch } = input;
  const S = input.small.tenant;
  const L = input.large.tenant;
  const smallUsers = input.small.users;
  const largeUsers = input.large.users;
  const smallSize = input.small.size;

  // Seed check: the small tenant's last user through HTTP, then both forms read back.
  const last: CycleUser = { key: `s${smallSize - 1}`, index: smallSize - 1 };
  await timed(client, srec, createUserCall(S, last, "seed check"));
  const seedCheck = await checkSeeded(client, S, [
    { key: last.key, index: last.index, id: last.id as string, how: "HTTP" },
    { key: smallUsers[0].key, index: smallUsers[0].index, id: smallUsers[0].id, how: "seeded" },
  ]);
  log(`seed check: ${seedCheck}`);

  const pick = (list: { key: string }[], i: number) => list[(i * 7919) % list.length].key;
  const lookups = (t: Tenant, list: { key: string }[], op: string, from: number, count: number): Task[] =>
    Array.from({ length: count }, (_, k) => [lookupUserCall(t, pick(list, from + k), op, true)]);
  const opSmall = `lookup ${n(smallSize)}`;
  const opLarge = `lookup ${n(largeUsers.length)}`;
  const allSmall = [...smallUsers, last];
  log(`scale: userName lookups, ${n(smallSize)} vs ${n(largeUsers.length)} users, alternating blocks, 1 in flight...`);
  await closedLoop(
    client,
    new Recorder(),
    [...lookups(S, allSmall, "warm", 0, 100), ...lookups(L, largeUsers, "warm", 0, 100)],
    1,
  );
  for (let round = 0; round < 10; round++) {
    await closedLoop(client, srec, lookups(S, allSmall, opSmall, 1000 + round * 100, 100), 1);
    await closedLoop(client, srec, lookups(L, largeUsers, opLarge, 1000 + round * 100, 100), 1);
  }
  const lookupSmall = srec.stats(opSmall).summary();
  const lookupLarge = srec.stats(opLarge).summary();

  const paging = await measurePaging(client, srec, L, largeUsers.length, log);

  log(`scale: group of ${n(bigGroup)} members, built by PATCHes of ${n(bigPatch)}...`);
  const big = { id: "" };
  await timed(client, srec, {
    op: "scale POST /Groups",
    method: "POST",
    path: `${L.scim}/Groups`,
    token: L.token,
    body: groupBody("Bench Scale Everyone", "ext-scale-everyone"),
    expect: [201],
    then: (_s, body) => (big.id = (JSON.parse(body) as { id: string }).id),
  });
  const addMembers10k: { groupSizeBefore: number; ms: number }[] = [];
  const opPatch = `PATCH /Groups adding ${n(bigPatch)} members`;
  let size = 0;
  for (const part of chunks(largeUsers.slice(0, bigGroup), bigPatch)) {
    const t0 = performance.now();
    await timed(client, srec, patchGroupCall(L, big.id, addMembersPatch(part.map((u) => u.id)), opPatch));
    const took = performance.now() - t0;
    addMembers10k.push({ groupSizeBefore: size, ms: took });
    log(`  +${n(part.length)} members to a group of ${n(size)}: ${took.toFixed(0)} ms`);
    size += part.length;
  }
  const bytes = { with: 0, without: 0 };
  const getGroup = (op: string, query: string, key: "with" | "without"): Call => ({
    op,
    method: "GET",
    path: `${L.scim}/Groups/${big.id}${query}`,
    token: L.token,
    expect: [200],
    then: (_s, body) => {
      bytes[key] = Buffer.byteLength(body);
      const members = (JSON.parse(body) as { members?: unknown[] }).members;
      if (key === "with" && members?.length !== size)
        throw new Error(`expected ${size} members, got ${members?.length}`);
      if (key === "without" && members !== undefined)
        throw new Error("members present despite excludedAttributes=members");
    },
  });
  const opWith = `GET /Groups/{id} (${n(bigGroup)} members)`;
  const opWithout = `GET /Groups/{id}?excludedAttributes=members`;
  log(`scale: GET of the ${n(bigGroup)}-member group, with and without members...`);
  await closedLoop(
    client,
    srec,
    Array.from({ length: 5 }, () => [getGroup(opWith, "", "with")]),
    1,
  );
  await closedLoop(
    client,
    srec,
    Array.from({ length: 50 }, () => [getGroup(opWithout, "?excludedAttributes=members", "without")]),
    1,
  );
  return {
    smallUsers: smallSize,
    largeUsers: largeUsers.length,
    seedSeconds: input.seedSeconds,
    seedCheck,
    lookupSmall,
    lookupLarge,
    lookupRatioP50: lookupLarge.p50Ms / lookupSmall.p50Ms,
    lookupRatioMean: lookupLarge.meanMs / lookupSmall.meanMs,
    addMembers10k,
    paging,
    group50k: {
      members: size,
      withMembers: { ...srec.stats(opWith).summary(), bytes: bytes.with },
      withoutMembers: { ...srec.stats(opWithout).summary(), bytes: bytes.without },
    },
  };
}

/**
 * Issue 13: the last page of 100 by cursor (RFC 9865, keyset) against the first, and the same
 * for index paging (startIndex, OFFSET) beside it, on the large tenant in creation order.
 * Alternating blocks, 1 in flight, so all four see the same machine.
 */
async function measurePaging(client: Client, rec: Recorder, t: Tenant, users: number, log: (s: string) => void) {
  log(`scale: first vs last page of 100 at ${n(users)} users, by cursor and by index...`);
  const list = (
    query: string,
    op: string,
    then?: (body: { nextCursor?: string; totalResults: number; Resources: unknown[] }) => void,
  ): Call => ({
    op,
    method: "GET",
    path: `${t.scim}/Users?${query}`,
    token: t.token,
    expect: [200],
    then: (_s, body) => then?.(JSON.parse(body)),
  });
  // A walk by 1,000 to the cursor of the last page of 100. Same parameters as the measured pages
  // but count (RFC 9865: a cursor is bound to its query; only count may change between pages).
  let cursor = "";
  let total = 0;
  let walked = 0;
  for (;;) {
    let next: string | undefined;
    await timed(
      client,
      new Recorder(),
      list(`cursor=${encodeURIComponent(cursor)}&count=1000`, "cursor walk", (b) => {
        next = b.nextCursor;
        total = b.totalResults;
      }),
    );
    if (!next || walked + 1000 + 100 >= total) break;
    cursor = next;
    walked += 1000;
  }
  const tail = total - walked - 100;
  if (tail > 0)
    await timed(
      client,
      new Recorder(),
      list(`cursor=${encodeURIComponent(cursor)}&count=${tail}`, "cursor walk", (b) => {
        cursor = b.nextCursor ?? "";
      }),
    );
  if (!cursor) throw new Error("no cursor for the last page");
  const ops = {
    cursorFirst: `GET /Users?cursor= (first page of 100)`,
    cursorLast: `GET /Users?cursor=… (last page of 100, ${n(total)} users)`,
    indexFirst: `GET /Users?startIndex=1 (first page of 100)`,
    indexLast: `GET /Users?startIndex=${n(total - 99)} (last page of 100)`,
  };
  const lastCount = (expected: number, what: string) => (b: { Resources: unknown[]; nextCursor?: string }) => {
    if (b.Resources.length !== expected)
      throw new Error(`${what}: ${b.Resources.length} resources, expected ${expected}`);
  };
  const calls: Call[] = [
    list("cursor=&count=100", ops.cursorFirst, lastCount(100, "first cursor page")),
    list(`cursor=${encodeURIComponent(cursor)}&count=100`, ops.cursorLast, (b) => {
      lastCount(100, "last cursor page")(b);
      if (b.nextCursor) throw new Error("the last cursor page has a nextCursor");
    }),
    list("startIndex=1&count=100", ops.indexFirst, lastCount(100, "first index page")),
    list(`startIndex=${total - 99}&count=100`, ops.indexLast, lastCount(100, "last index page")),
  ];
  await closedLoop(
    client,
    new Recorder(),
    calls.map((c) => [c]),
    1,
  );
  for (let round = 0; round < 10; round++) {
    for (const c of calls)
      await closedLoop(
        client,
        rec,
        Array.from({ length: 5 }, () => [c]),
        1,
      );
  }
  const s = (op: string) => rec.stats(op).summary();
  const r = {
    users: total,
    cursorFirst: s(ops.cursorFirst),
    cursorLast: s(ops.cursorLast),
    indexFirst: s(ops.indexFirst),
    indexLast: s(ops.indexLast),
  };
  return {
    ...r,
    cursorRatioP50: r.cursorLast.p50Ms / r.cursorFirst.p50Ms,
    indexRatioP50: r.indexLast.p50Ms / r.indexFirst.p50Ms,
  };
}

/** A seeded user must read back exactly like one created over HTTP from the same body shape. */
async function checkSeeded(
  client: Client,
  t: Tenant,
  users: { key: string; index: number; id: string; how: string }[],
): Promise<string> {
  const problems: string[] = [];
  for (const u of users) {
    const res = await client.request({
      op: "seed check",
      method: "GET",
      path: `${t.scim}/Users/${u.id}`,
      token: t.token,
      expect: [200],
    });
    if (res.status !== 200) {
      problems.push(`${u.how} user: GET ${res.status}`);
      continue;
    }
    const { meta, ...got } = JSON.parse(res.body) as Record<string, unknown> & { meta: { version?: string } };
    const expected = { schemas: [USER_SCHEMA, ENTERPRISE], id: u.id, ...storedUserDoc(u.key, u.index) };
    if (JSON.stringify(got) !== JSON.stringify(expected))
      problems.push(`${u.how} user differs: ${JSON.stringify(got)}`);
    if (meta.version !== 'W/"1"') problems.push(`${u.how} user has version ${meta.version}`);
    const byEmail = await client.request({
      op: "seed check",
      method: "GET",
      path: `${t.scim}/Users?filter=emails.value+eq+%22${encodeURIComponent(String(storedUserDoc(u.key, u.index).userName))}%22`,
      token: t.token,
      expect: [200],
    });
    if ((JSON.parse(byEmail.body) as { totalResults?: number }).totalResults !== 1)
      problems.push(`${u.how} user not found by email (user_emails)`);
  }
  return problems.length
    ? `MISMATCH: ${problems.join("; ")}`
    : "a seeded user and an HTTP-created one read back identically (body, version, email index)";
}
