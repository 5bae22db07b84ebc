import { outboxStatement } from "../events/outbox";
import { type OutboxEvent, audit } from "../events/types";
import { runWrites } from "../db/writes";
import { ScimError } from "../scim/errors";
import { checkPreconditions } from "../scim/meta";
import type { ScimDoc } from "../scim/normalize";
import { checkSizes } from "../scim/sizes";
import {
  type GroupChange,
  changedKeys,
  extId,
  deleteGroupStatements,
  memberChangeOf,
  memberSample,
  patchedDoc,
} from "./changes";
import { type MemberChange, deltaStatement, groupStateOf, groupStateStatements } from "./members";
import { addMembersStatement, keepOnlyMembersStatement, membersOfStatement, removeMembersStatement } from "./repo";
import { type GroupRow, type MemberRow, groupColumns } from "./row";

export type Applied = { row: GroupRow | null; events: OutboxEvent[]; members?: MemberRow[] };

/**
 * A change in ONE D1 round trip, computed from `known`, the group as its Durable Object
 * (or the Worker that sent the change) last saw it. The batch reads what the classic way reads
 * (members.ts), then a guard aborts it unless the group is still at `known`'s version and every
 * member it would gain is a user with an email (P14, P5); the writes follow, the membership
 * event counting its delta in SQL before the member rows change, so a no-op writes nothing and
 * keeps the version. Undefined when the guard (or anything else) stopped it, or when the change
 * is not for this way (the built-in group, a failed precondition, a refusal): the classic way
 * (changes.ts) then reads, decides and explains.
 */
export async function changeInOneTrip(
  db: D1Database,
  known: GroupRow,
  change: GroupChange,
): Promise<Applied | undefined> {
  if (change.kind === "remove-user" || known.source === "builtin") return undefined;
  let plan: { statements: D1PreparedStatement[]; finish: (results: D1Result[]) => Applied } | undefined;
  try {
    checkPreconditions(change.pre, known.version);
    plan = change.kind === "delete" ? planDelete(db, known) : planChange(db, known, change);
  } catch (e) {
    if (e instanceof ScimError) return undefined;
    throw e;
  }
  if (!plan) return undefined;
  let results: D1Result[];
  try {
    results = await runWrites(db, plan.statements);
  } catch {
    return undefined;
  }
  return plan.finish(results);
}

/** Fails unless the group is at `known`'s version and every id in `incoming` is a user with an email. */
const guardStatement = (db: D1Database, known: GroupRow, incoming: string[]) =>
  db
    .prepare(
      `SELECT abs(((SELECT version FROM groups WHERE id = ?1 AND created = ?2) IS ?3
         AND NOT EXISTS (SELECT 1 FROM json_each(?4) j WHERE NOT EXISTS (SELECT 1 FROM users u WHERE u.id = j.value)
           OR NOT EXISTS (SELECT 1 FROM user_emails e WHERE e.user_id = j.value))) - 9223372036854775807 - 1) AS guard`,
    )
    .bind(known.id, known.created, known.version, JSON.stringify(incoming));

function planDelete(db: D1Database, known: GroupRow) {
  const event = audit("scim", "delete", "Group", known.id, {
    displayName: known.display_name,
    ...extId(known.external_id),
  });
  return {
    statements: [guardStatement(db, known, []), ...deleteGroupStatements(db, known.id), outboxStatement(db, [event])],
    finish: (): Applied => ({ row: null, events: [event] }),
  };
}

function planChange(db: D1Database, known: GroupRow, change: Extract<GroupChange, { kind: "patch" | "replace" }>) {
  const members = memberChangeOf(change);
  const showMembers = change.kind === "replace" && change.showMembers === true;
  const stored = JSON.parse(known.doc) as ScimDoc;
  const doc = change.kind === "patch" ? patchedDoc(stored, change.plan) : { ...stored, ...change.doc };
  if (typeof doc.displayName !== "string" || doc.displayName.trim() === "") return undefined;
  checkSizes(doc);
  const docChanged = JSON.stringify(doc) !== JSON.stringify(stored);
  const touchesMembers = !!members.keepOnly || members.add.length > 0 || members.remove.length > 0;
  if (!docChanged && !touchesMembers) return undefined;
  const now = new Date().toISOString();
  const id = known.id;
  const update = docChanged
    ? audit("scim", "update", "Group", id, {
        displayName: doc.displayName,
        ...extId(doc.externalId),
        changed: changedKeys(stored, doc),
      })
    : undefined;
  const membership = touchesMembers
    ? audit("scim", "membership", "Group", id, {
        displayName: doc.displayName,
        ...extId(doc.externalId),
        added: 0,
        removed: 0,
        ...memberSample(members),
      })
    : undefined;
  const c = groupColumns(doc);
  const state = groupStateStatements(db, id, members);
  const statements = [
    ...state,
    guardStatement(db, known, members.keepOnly ?? members.add),
    ...(membership ? [membershipEventStatement(db, id, members, membership)] : []),
    // The version moves with every change, membership included; changes() is the event's insert.
    db
      .prepare(
        `UPDATE groups SET display_name = ?2, external_id = ?3, doc = ?4, version = version + 1, last_modified = ?5
         WHERE id = ?1 AND (?6 ${membership ? "OR changes() > 0" : ""}) RETURNING version`,
      )
      .bind(id, c.display_name, c.external_id, JSON.stringify(doc), now, docChanged ? 1 : 0),
    ...(members.keepOnly ? [keepOnlyMembersStatement(db, id, members.keepOnly)] : []),
    ...(members.remove.length ? [removeMembersStatement(db, id, members.remove)] : []),
    ...((members.keepOnly ?? members.add).length ? [addMembersStatement(db, id, members.keepOnly ?? members.add)] : []),
    ...(update ? [outboxStatement(db, [update])] : []),
    ...(showMembers ? [membersOfStatement(db, [id])] : []),
  ];
  const finish = (results: D1Result[]): Applied => {
    const before = groupStateOf(results.slice(0, state.length));
    const bumped = results[state.length + (membership ? 2 : 1)].results.length === 1;
    const events: OutboxEvent[] = update ? [update] : [];
    if (membership && before.added + before.removed > 0) {
      Object.assign(membership.detail, { added: before.added, removed: before.removed });
      events.push(membership);
    }
    const row = bumped
      ? { ...known, ...c, doc: JSON.stringify(doc), version: known.version + 1, last_modified: now }
      : known;
    return { row, events, ...(showMembers ? { members: results[results.length - 1].results as MemberRow[] } : {}) };
  };
  return { statements, finish };
}

/** The membership event, its counts filled in by SQL from the delta before the member rows change; none for a no-op. */
function membershipEventStatement(db: D1Database, groupId: string, members: MemberChange, event: OutboxEvent) {
  return deltaStatement(
    db,
    `INSERT INTO outbox (id, kind, payload, created)
     SELECT ?5, 'audit', json_set(?6, '$.detail.added', added, '$.detail.removed', removed + dropped), ?7`,
    groupId,
    members,
    "WHERE added + removed + dropped > 0",
    event.id,
    JSON.stringify(event),
    event.at,
  );
}
