import { badRequest } from "../scim/errors";
import { type GroupRow } from "./row";
import { findGroupStatement } from "./repo";

/** How many offending ids an error names; the rest are counted. */
const NAMED_IN_ERROR = 20;

export interface MemberChange {
  add: string[];
  remove: string[];
  /** Set by PUT and `replace members`: the membership becomes exactly this list. */
  keepOnly?: string[];
}

/** What a change would do and whether it may, read in ONE D1 round trip with the group row. */
export interface GroupState {
  row: GroupRow | null;
  notUsers: { id: string; is_group: number }[];
  noEmail: { id: string }[];
  added: number;
  removed: number;
}

/**
 * Reads the group, checks the ids it would gain (P14: users of this tenant only, a group id or
 * an unknown id is named; P5: members need an email) and measures the membership delta, so a
 * no-op keeps the version. Id lists travel as one JSON parameter (json_each), whatever their
 * length. Valid only inside the group's sequencer: the next writer may change the answer.
 */
export async function readGroupState(db: D1Database, groupId: string, change: MemberChange): Promise<GroupState> {
  return groupStateOf(await db.batch(groupStateStatements(db, groupId, change)));
}

/** The reads of readGroupState, to ride in another batch (groups/one-trip.ts); results in groupStateOf. */
export function groupStateStatements(db: D1Database, groupId: string, change: MemberChange): D1PreparedStatement[] {
  const incoming = JSON.stringify(change.keepOnly ?? change.add);
  return [
    findGroupStatement(db, groupId),
    db
      .prepare(
        `SELECT j.value AS id, EXISTS (SELECT 1 FROM groups g WHERE g.id = j.value) AS is_group
         FROM json_each(?1) j WHERE NOT EXISTS (SELECT 1 FROM users u WHERE u.id = j.value) LIMIT ?2`,
      )
      .bind(incoming, NAMED_IN_ERROR + 1),
    db
      .prepare(
        `SELECT j.value AS id FROM json_each(?1) j JOIN users u ON u.id = j.value
         WHERE NOT EXISTS (SELECT 1 FROM user_emails e WHERE e.user_id = j.value) LIMIT ?2`,
      )
      .bind(incoming, NAMED_IN_ERROR + 1),
    deltaStatement(db, "SELECT added, removed, dropped", groupId, change),
  ];
}

/**
 * The membership delta of `change` as the columns `added`, `removed` (ids listed for removal
 * that are members) and `dropped` (members a `keepOnly` list leaves out), counted BEFORE any of
 * it is written: `select` picks and combines them. One statement, so a one-trip change
 * (groups/one-trip.ts) counts exactly what the classic read counts.
 */
export function deltaStatement(
  db: D1Database,
  select: string,
  groupId: string,
  change: MemberChange,
  tail = "",
  ...more: unknown[]
): D1PreparedStatement {
  return db
    .prepare(
      `${select} FROM (SELECT
         (SELECT count(*) FROM (SELECT DISTINCT value FROM json_each(?1)) j
          WHERE NOT EXISTS (SELECT 1 FROM group_members m WHERE m.group_id = ?2 AND m.member_id = j.value)) AS added,
         (SELECT count(*) FROM group_members m WHERE m.group_id = ?2 AND m.member_id IN (SELECT value FROM json_each(?3))) AS removed,
         CASE WHEN ?4 THEN (SELECT count(*) FROM group_members m WHERE m.group_id = ?2
           AND m.member_id NOT IN (SELECT value FROM json_each(?1))) ELSE 0 END AS dropped) ${tail}`,
    )
    .bind(
      JSON.stringify(change.keepOnly ?? change.add),
      groupId,
      JSON.stringify(change.remove),
      change.keepOnly ? 1 : 0,
      ...more,
    );
}

export function groupStateOf([row, notUsers, noEmail, delta]: D1Result[]): GroupState {
  const d = delta.results[0] as { added: number; removed: number; dropped: number };
  return {
    row: (row.results[0] as GroupRow | undefined) ?? null,
    notUsers: notUsers.results as GroupState["notUsers"],
    noEmail: noEmail.results as GroupState["noEmail"],
    added: d.added,
    removed: d.removed + d.dropped,
  };
}

/** P14 and P5 for members: refuses the whole request, naming the offending values. */
export function assertMembersAllowed(state: Pick<GroupState, "notUsers" | "noEmail">): void {
  if (state.notUsers.length > 0) {
    const named = state.notUsers.slice(0, NAMED_IN_ERROR).map((r) => `"${r.id}"${r.is_group ? " (a group)" : ""}`);
    throw badRequest(
      "invalidValue",
      `Only users of this tenant can be group members, not groups or unknown ids: ${named.join(", ")}${more(state.notUsers.length)}. ` +
        "Assign users to the group directly in Entra (nested groups are not provisioned), and provision them first.",
      "users-only-members",
    );
  }
  if (state.noEmail.length > 0) {
    const named = state.noEmail.slice(0, NAMED_IN_ERROR).map((r) => `"${r.id}"`);
    throw badRequest(
      "invalidValue",
      `Group members need an email address; these users have none: ${named.join(", ")}${more(state.noEmail.length)}. ` +
        'Give them a mail address in Entra, or map `mail` or `userPrincipalName` to `emails[type eq "work"].value`.',
      "email-required",
    );
  }
}

const more = (n: number) => (n > NAMED_IN_ERROR ? " and more" : "");
