/**
 * Entra's provisioning cycles as tasks for the drivers (driver.ts).
 * Initial cycle: for each user a userName lookup then POST /Users; for each group a displayName
 * lookup (excludedAttributes=members) then POST /Groups; then PATCHes adding members in
 * batches. Incremental cycle: PATCH of 10% of the users, disable of 1%, and removal of the
 * disabled users from their groups. Each step exists as Entra orders it (`*CycleTasks`, used by
 * the open loop) and one operation at a time (used by the closed loop, so that each operation's
 * throughput is measured alone).
 *
 * Membership: every user is in group 0 (an "all staff" group, the big one) and in two more.
 */
import type { Call, Task } from "./driver.ts";
import {
  addMembersPatch,
  disablePatch,
  eqFilter,
  groupBody,
  removeMembersPatch,
  userBody,
  userName,
  userUpdatePatch,
} from "./shapes.ts";

export interface CycleUser {
  key: string;
  index: number;
  id?: string;
}

export interface CycleGroup {
  index: number;
  name: string;
  externalId: string;
  id?: string;
  members: CycleUser[];
}

export interface Tenant {
  token: string;
  /** `/t/<slug>/scim/v2` */
  scim: string;
}

/** Operation names, as reported. */
export const OPS = {
  userLookup: "GET /Users?filter=userName eq",
  userCreate: "POST /Users",
  groupLookup: "GET /Groups?filter=displayName eq&excludedAttributes=members",
  groupCreate: "POST /Groups",
  addMembers: "PATCH /Groups add members",
  userUpdate: "PATCH /Users replace attributes",
  userDisable: "PATCH /Users active=false",
  removeMembers: "PATCH /Groups remove members",
} as const;

const idFrom = (body: string) => {
  const id = (JSON.parse(body) as { id?: unknown }).id;
  if (typeof id !== "string") throw new Error("no id in the response");
  return id;
};

export function lookupUserCall(t: Tenant, key: string, op: string = OPS.userLookup, expectFound?: boolean): Call {
  return {
    op,
    method: "GET",
    path: `${t.scim}/Users?${eqFilter("userName", userName(key))}`,
    token: t.token,
    expect: [200],
    then:
      expectFound === undefined
        ? undefined
        : (_s, body) => {
            const n = (JSON.parse(body) as { totalResults: number }).totalResults;
            if (n !== (expectFound ? 1 : 0)) throw new Error(`expected ${expectFound ? 1 : 0} result(s), got ${n}`);
          },
  };
}

export function createUserCall(t: Tenant, u: CycleUser, op: string = OPS.userCreate): Call {
  return {
    op,
    method: "POST",
    path: `${t.scim}/Users`,
    token: t.token,
    body: userBody(u.key, u.index),
    expect: [201],
    then: (_s, body) => (u.id = idFrom(body)),
  };
}

export function makeGroups(prefix: string, count: number, users: CycleUser[]): CycleGroup[] {
  const groups: CycleGroup[] = Array.from({ length: count }, (_, g) => ({
    index: g,
    name: `Bench ${prefix} Group ${g}`,
    externalId: `ext-group-${prefix}-${g}`,
    members: [],
  }));
  users.forEach((u, p) => {
    const mine = new Set([0]);
    if (count > 1) {
      mine.add(1 + ((p * 7) % (count - 1)));
      mine.add(1 + ((p * 13 + 5) % (count - 1)));
    }
    for (const g of mine) groups[g].members.push(u);
  });
  return groups;
}

/** Initial cycle, users, as Entra orders it: [lookup (no match yet), create] per user. */
export function userCycleTasks(t: Tenant, users: CycleUser[]): Task[] {
  return users.map((u) => [lookupUserCall(t, u.key, OPS.userLookup, false), createUserCall(t, u)]);
}

/** The same two operations as separate phases, so each one's throughput is measured alone. */
export const userLookupTasks = (t: Tenant, users: CycleUser[]): Task[] =>
  users.map((u) => [lookupUserCall(t, u.key, OPS.userLookup, false)]);
export const userCreateTasks = (t: Tenant, users: CycleUser[]): Task[] => users.map((u) => [createUserCall(t, u)]);

function groupLookupCall(t: Tenant, g: CycleGroup): Call {
  return {
    op: OPS.groupLookup,
    method: "GET",
    path: `${t.scim}/Groups?excludedAttributes=members&${eqFilter("displayName", g.name)}`,
    token: t.token,
    expect: [200],
    then: (_s, body) => {
      const r = JSON.parse(body) as { totalResults: number; Resources: { members?: unknown }[] };
      if (r.totalResults !== 0) throw new Error(`expected no group yet, got ${r.totalResults}`);
    },
  };
}

function groupCreateCall(t: Tenant, g: CycleGroup): Call {
  return {
    op: OPS.groupCreate,
    method: "POST",
    path: `${t.scim}/Groups`,
    token: t.token,
    body: groupBody(g.name, g.externalId),
    expect: [201],
    then: (_s, body) => (g.id = idFrom(body)),
  };
}

/** Initial cycle, groups: [lookup without members, create] per group. */
export const groupCycleTasks = (t: Tenant, groups: CycleGroup[]): Task[] =>
  groups.map((g) => [groupLookupCall(t, g), groupCreateCall(t, g)]);
export const groupLookupTasks = (t: Tenant, groups: CycleGroup[]): Task[] => groups.map((g) => [groupLookupCall(t, g)]);
export const groupCreateTasks = (t: Tenant, groups: CycleGroup[]): Task[] => groups.map((g) => [groupCreateCall(t, g)]);

export function chunks<T>(list: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < list.length; i += size) out.push(list.slice(i, i + size));
  return out;
}

export const patchGroupCall = (t: Tenant, groupId: string, body: unknown, op: string): Call => ({
  op,
  method: "PATCH",
  path: `${t.scim}/Groups/${groupId}`,
  token: t.token,
  body,
  expect: [204],
});

/**
 * Initial cycle, memberships: every batch of every group, round-robin over the groups, one PATCH
 * per task (PATCHes of one group that run at once queue in its Durable Object).
 */
export function addMemberTasks(t: Tenant, groups: CycleGroup[], batch: number): Task[] {
  const perGroup = groups.map((g) =>
    chunks(g.members, batch).map((part): Task => [
      patchGroupCall(t, g.id as string, addMembersPatch(part.map((u) => u.id as string)), OPS.addMembers),
    ]),
  );
  return interleave(...perGroup);
}

export const isUpdated = (p: number) => p % 10 === 3;
export const isDisabled = (p: number) => p % 100 === 7;

/** Incremental cycle: PATCH of 10% of the users. */
export const updateTasks = (t: Tenant, users: CycleUser[], round = 1): Task[] =>
  users.flatMap((u, p): Task[] =>
    isUpdated(p)
      ? [
          [
            {
              op: OPS.userUpdate,
              method: "PATCH",
              path: `${t.scim}/Users/${u.id}`,
              token: t.token,
              body: userUpdatePatch(u.key, u.index, round),
              expect: [204],
            },
          ],
        ]
      : [],
  );

/** Incremental cycle: disable of 1%. */
export const disableTasks = (t: Tenant, users: CycleUser[]): Task[] =>
  users.flatMap((u, p): Task[] =>
    isDisabled(p)
      ? [
          [
            {
              op: OPS.userDisable,
              method: "PATCH",
              path: `${t.scim}/Users/${u.id}`,
              token: t.token,
              body: disablePatch(p),
              expect: [204],
            },
          ],
        ]
      : [],
  );

/** Incremental cycle: the disabled users leave their groups (legacy and aadOptscim062020 forms alternate by group). */
export function removalTasks(t: Tenant, users: CycleUser[], groups: CycleGroup[], batch: number): Task[] {
  const disabled = new Set(users.filter((_, p) => isDisabled(p)));
  const perGroup = groups.map((g) => {
    const legacy = g.index % 2 === 0;
    return chunks(
      g.members.filter((u) => disabled.has(u)),
      batch,
    ).map((part): Task => [
      patchGroupCall(
        t,
        g.id as string,
        removeMembersPatch(
          part.map((u) => u.id as string),
          legacy,
        ),
        OPS.removeMembers,
      ),
    ]);
  });
  return interleave(...perGroup);
}

/** The whole incremental cycle in Entra's order (updates and disables by user, then removals). */
export function incrementalTasks(
  t: Tenant,
  users: CycleUser[],
  groups: CycleGroup[],
  batch: number,
  round = 1,
): Task[] {
  return [
    ...interleave(updateTasks(t, users, round), disableTasks(t, users)),
    ...removalTasks(t, users, groups, batch),
  ];
}

/** Round-robin merge, so a phase's mix stays the same from start to end. */
export function interleave<T>(...lists: T[][]): T[] {
  const out: T[] = [];
  const longest = Math.max(0, ...lists.map((l) => l.length));
  for (let i = 0; i < longest; i++) for (const l of lists) if (i < l.length) out.push(l[i]);
  return out;
}
