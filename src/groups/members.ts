import { badRequest } from "../scim/errors";

/** How many offending ids an error names; the rest are counted. */
const NAMED_IN_ERROR = 20;

/**
 * P14 and P5 for members: every id must be a user of this tenant (a group id or an unknown id
 * is refused) and that user must have an email address. Refuses the whole request, naming the
 * offending values, so that nothing of it is applied.
 */
export async function assertMembersAllowed(db: D1Database, ids: string[]): Promise<void> {
  if (ids.length === 0) return;
  const json = JSON.stringify(ids);
  const [notUsers, noEmail] = await db.batch<{ id: string; is_group?: number }>([
    db
      .prepare(
        `SELECT j.value AS id, EXISTS (SELECT 1 FROM groups g WHERE g.id = j.value) AS is_group
         FROM json_each(?1) j WHERE NOT EXISTS (SELECT 1 FROM users u WHERE u.id = j.value) LIMIT ?2`,
      )
      .bind(json, NAMED_IN_ERROR + 1),
    db
      .prepare(
        `SELECT j.value AS id FROM json_each(?1) j JOIN users u ON u.id = j.value
         WHERE NOT EXISTS (SELECT 1 FROM user_emails e WHERE e.user_id = j.value) LIMIT ?2`,
      )
      .bind(json, NAMED_IN_ERROR + 1),
  ]);
  if (notUsers.results.length > 0) {
    const named = notUsers.results.slice(0, NAMED_IN_ERROR).map((r) => `"${r.id}"${r.is_group ? " (a group)" : ""}`);
    throw badRequest(
      "invalidValue",
      `Only users of this tenant can be members; nested groups are not supported (P14). Not users: ${named.join(", ")}${more(notUsers.results.length)}.`,
    );
  }
  if (noEmail.results.length > 0) {
    const named = noEmail.results.slice(0, NAMED_IN_ERROR).map((r) => `"${r.id}"`);
    throw badRequest("invalidValue", `Members need an email address (P5). Without one: ${named.join(", ")}${more(noEmail.results.length)}.`);
  }
}

const more = (n: number) => (n > NAMED_IN_ERROR ? " and more" : "");

/** What a membership change would do, measured before writing so that a no-op keeps the version. */
export async function membershipDelta(
  db: D1Database,
  groupId: string,
  change: { add: string[]; remove: string[]; keepOnly?: string[] },
): Promise<{ added: number; removed: number }> {
  const [added, removed, dropped] = await db.batch<{ n: number }>([
    db
      .prepare(
        `SELECT count(*) AS n FROM (SELECT DISTINCT value FROM json_each(?1)) j
         WHERE NOT EXISTS (SELECT 1 FROM group_members m WHERE m.group_id = ?2 AND m.member_id = j.value)`,
      )
      .bind(JSON.stringify(change.add), groupId),
    db
      .prepare(`SELECT count(*) AS n FROM group_members m WHERE m.group_id = ?2 AND m.member_id IN (SELECT value FROM json_each(?1))`)
      .bind(JSON.stringify(change.remove), groupId),
    change.keepOnly
      ? db
          .prepare(`SELECT count(*) AS n FROM group_members m WHERE m.group_id = ?2 AND m.member_id NOT IN (SELECT value FROM json_each(?1))`)
          .bind(JSON.stringify(change.keepOnly), groupId)
      : db.prepare("SELECT 0 AS n"),
  ]);
  return { added: added.results[0].n, removed: removed.results[0].n + dropped.results[0].n };
}
