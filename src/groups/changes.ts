import { commit } from "../events/commit";
import { type AuditEvent, type OutboxEvent, audit } from "../events/types";
import { ScimError, badRequest, notFound } from "../scim/errors";
import type { GroupPatchPlan } from "../scim/group-patch";
import { checkPreconditions, type Preconditions } from "../scim/meta";
import type { ScimDoc } from "../scim/normalize";
import { applyPatch } from "../scim/patch";
import { checkSizes } from "../scim/sizes";
import { GROUP_RESOURCE } from "../scim/schema/resources";
import { type MemberChange, assertMembersAllowed, readGroupState } from "./members";
import { addMembersStatement, keepOnlyMembersStatement, removeMembersStatement, updateGroupStatement } from "./repo";
import { ALL_USERS_GROUP_ID, type GroupRow, groupRow } from "./row";

/** A write to one group's membership; serialised by that group's Durable Object. */
export type GroupChange =
  | { kind: "patch"; plan: GroupPatchPlan; pre?: Preconditions }
  /** PUT, its body normalised before the call (groups/service.ts); `members` absent: kept (P12). */
  | { kind: "replace"; doc: ScimDoc; members?: string[]; pre?: Preconditions; showMembers?: boolean }
  | { kind: "delete"; pre?: Preconditions }
  /** An admin's hard delete of a user (P9) takes it out of every group, All Users included. */
  | { kind: "remove-user"; userId: string };

/**
 * Applies one change: read, validate everything, then write it all as one D1 batch (a
 * transaction), so a refused request leaves the group exactly as it was. Must run inside the
 * group's sequencer: the membership delta read here is only valid until the next writer.
 */
export async function applyGroupChange(
  db: D1Database,
  groupId: string,
  change: GroupChange,
): Promise<{ row: GroupRow | null; events: OutboxEvent[] }> {
  // Everything the change needs to know is read in one round trip, before anything is decided.
  const members = memberChangeOf(change);
  const state = await readGroupState(db, groupId, members);
  const row = state.row;
  if (!row) throw notFound(`Group ${groupId} not found.`);
  if (change.kind === "remove-user") return removeUser(db, row, change.userId);
  if (row.source === "builtin") {
    throw new ScimError(
      403,
      `"${row.display_name}" is the built-in group that holds the former members of deleted groups; it cannot be changed or deleted over SCIM. Rename the Entra group.`,
      undefined,
      "all-users-group",
    );
  }
  checkPreconditions(change.pre, row.version);
  if (change.kind === "delete") {
    const event = audit("scim", "delete", "Group", groupId, {
      displayName: row.display_name,
      ...extId(row.external_id),
    });
    return { row: null, events: await deleteGroup(db, groupId, event) };
  }
  const stored = JSON.parse(row.doc) as ScimDoc;
  // PUT: displayName and externalId from the body.
  const doc = change.kind === "patch" ? patchedDoc(stored, change.plan) : { ...stored, ...change.doc };
  if (typeof doc.displayName !== "string" || doc.displayName.trim() === "") {
    throw badRequest("invalidValue", "displayName is required and must not be blank.");
  }
  checkSizes(doc);
  assertMembersAllowed(state);
  const delta = { added: state.added, removed: state.removed };
  const docChanged = JSON.stringify(doc) !== JSON.stringify(stored);
  if (!docChanged && delta.added === 0 && delta.removed === 0) return { row, events: [] };
  const now = new Date().toISOString();
  const writes: D1PreparedStatement[] = [];
  if (members.keepOnly) writes.push(keepOnlyMembersStatement(db, groupId, members.keepOnly));
  if (members.remove.length) writes.push(removeMembersStatement(db, groupId, members.remove));
  const toAdd = members.keepOnly ?? members.add;
  if (toAdd.length) writes.push(addMembersStatement(db, groupId, toAdd));
  // The version moves with every membership change too (meta.version / ETag).
  writes.push(updateGroupStatement(db, { id: groupId, doc, now }));
  const events = [
    ...(docChanged
      ? [
          audit("scim", "update", "Group", groupId, {
            displayName: doc.displayName,
            ...extId(doc.externalId),
            changed: changedKeys(stored, doc),
          }),
        ]
      : []),
    ...(delta.added || delta.removed
      ? [
          audit("scim", "membership", "Group", groupId, {
            displayName: doc.displayName,
            ...extId(doc.externalId),
            added: delta.added,
            removed: delta.removed,
            ...memberSample(members),
          }),
        ]
      : []),
  ];
  const done = { db, committed: [] as OutboxEvent[] };
  await commit(done, writes, events);
  return {
    events: done.committed,
    row: groupRow({
      id: groupId,
      doc,
      source: row.source,
      version: row.version + 1,
      created: row.created,
      lastModified: now,
    }),
  };
}

/** A group's externalId rides in its audit details, so its events name it as the IdP does. */
export const extId = (v: unknown) => (typeof v === "string" && v !== "" ? { externalId: v } : {});

export const changedKeys = (a: ScimDoc, b: ScimDoc) =>
  [...new Set([...Object.keys(a), ...Object.keys(b)])].filter((k) => JSON.stringify(a[k]) !== JSON.stringify(b[k]));

/** Enough ids for an admin to follow a change; a 10,000-member PATCH is summarised by its counts. */
const AUDIT_SAMPLE = 100;
export const memberSample = (m: MemberChange) => ({
  addedIds: (m.keepOnly ?? m.add).slice(0, AUDIT_SAMPLE),
  ...(m.remove.length ? { removedIds: m.remove.slice(0, AUDIT_SAMPLE) } : {}),
});

async function removeUser(
  db: D1Database,
  row: GroupRow,
  userId: string,
): Promise<{ row: GroupRow; events: OutboxEvent[] }> {
  const now = new Date().toISOString();
  const event = audit("admin", "membership", "Group", row.id, {
    displayName: row.display_name,
    ...extId(row.external_id),
    removed: 1,
    removedIds: [userId],
    reason: "user deleted",
  });
  const done = { db, committed: [] as OutboxEvent[] };
  const [res] = await commit(
    done,
    [
      removeMembersStatement(db, row.id, [userId]),
      db
        .prepare("UPDATE groups SET version = version + 1, last_modified = ?2 WHERE id = ?1 AND changes() > 0")
        .bind(row.id, now),
    ],
    [event],
    { ifLastChanged: true },
  );
  return res.meta.changes > 0
    ? { row: { ...row, version: row.version + 1, last_modified: now }, events: done.committed }
    : { row, events: [] };
}

/** The membership part of a change: known from the request alone, before any read. */
export function memberChangeOf(change: GroupChange): MemberChange {
  switch (change.kind) {
    case "patch": {
      const plan = change.plan;
      const keepOnly = plan.replaceMembers ?? (plan.removeAllMembers ? plan.add : undefined);
      return { add: plan.add, remove: keepOnly ? [] : plan.remove, keepOnly };
    }
    case "replace":
      // PUT: members replaced when given, kept when omitted (P12).
      return change.members === undefined ? { add: [], remove: [] } : { add: [], remove: [], keepOnly: change.members };
    case "remove-user":
      return { add: [], remove: [change.userId] };
    case "delete":
      return { add: [], remove: [] };
  }
}

export const patchedDoc = (stored: ScimDoc, plan: GroupPatchPlan): ScimDoc =>
  plan.other.length ? applyPatch(stored, plan.other, GROUP_RESOURCE).doc : stored;

/**
 * P16: the group goes; each former member is disabled (P9 style, the user stays) and becomes a
 * member of "All Users". One batch: no moment exists where a member is neither in the group
 * nor in "All Users". Writing All Users' rows here without its sequencer is safe because SCIM
 * never changes that group and INSERT OR IGNORE is idempotent.
 */
async function deleteGroup(db: D1Database, groupId: string, event: AuditEvent): Promise<OutboxEvent[]> {
  const done = { db, committed: [] as OutboxEvent[] };
  await commit(done, deleteGroupStatements(db, groupId), [event]);
  return done.committed;
}

export function deleteGroupStatements(db: D1Database, groupId: string): D1PreparedStatement[] {
  const now = new Date().toISOString();
  return [
    db
      .prepare(
        `UPDATE users SET active = 0, doc = json_set(doc, '$.active', json('false')), version = version + 1, last_modified = ?2
         WHERE active = 1 AND id IN (SELECT member_id FROM group_members WHERE group_id = ?1)`,
      )
      .bind(groupId, now),
    db
      .prepare(
        `INSERT OR IGNORE INTO group_members (group_id, member_id) SELECT ?2, member_id FROM group_members WHERE group_id = ?1`,
      )
      .bind(groupId, ALL_USERS_GROUP_ID),
    db
      .prepare(`UPDATE groups SET version = version + 1, last_modified = ?2 WHERE id = ?1`)
      .bind(ALL_USERS_GROUP_ID, now),
    db.prepare("DELETE FROM group_members WHERE group_id = ?1").bind(groupId),
    db.prepare("DELETE FROM groups WHERE id = ?1").bind(groupId),
  ];
}
