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
  const incoming = JSON.stringify(change.keepOnly ?? change.add);
  const [row, notUsers, noEmail, added, removed, dropped] = await db.batch([
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
    db
      .prepare(
        `SELECT count(*) AS n FROM (SELECT DISTINCT value FROM json_each(?1)) j
         WHERE NOT EXISTS (SELECT 1 FROM group_members m WHERE m.group_id = ?2 AND m.member_id = j.value)`,
      )
      .bind(incoming, groupId),
    db
      .prepare(
        `SELECT count(*) AS n FROM group_members m WHERE m.group_id = ?2 AND m.member_id IN (SELECT value FROM json_each(?1))`,
      )
      .bind(JSON.stringify(change.remove), groupId),
    change.keepOnly
      ? db
          .prepare(
            `SELECT count(*) AS n FROM group_members m WHERE m.group_id = ?2 AND m.member_id NOT IN (SELECT value FROM json_each(?1))`,
          )
          .bind(incoming, groupId)
      : db.prepare("SELECT 0 AS n"),
  ]);
  const n = (r: D1Result) => (r.results[0] as { n: number }).n;
  return {
    row: (row.results[0] as GroupRow | undefined) ?? null,
    notUsers: notUsers.results as GroupState["notUsers"],
    noEmail: noEmail.results as GroupState["noEmail"],
    added: n(added),
    removed: n(removed) + n(dropped),
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
