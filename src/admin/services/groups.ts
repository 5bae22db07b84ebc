import { z } from "zod";
import { groupMembersPage, listGroupsWithCounts } from "../../groups/repo";
import { ALL_USERS_GROUP_ID } from "../../groups/row";
import { adminError } from "../errors";

/** A group's members are read a page at a time: a group may have 50,000 of them. */
export const memberPageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  offset: z.coerce.number().int().min(0).default(0),
});

/** P13, P16: every group with its member count and source; "All Users" first, as built in. */
export async function listGroups(db: D1Database) {
  return (await listGroupsWithCounts(db)).map((g) => ({
    id: g.id,
    displayName: g.display_name,
    externalId: g.external_id,
    source: g.source,
    builtIn: g.id === ALL_USERS_GROUP_ID,
    created: g.created,
    lastModified: g.last_modified,
    members: g.members,
  }));
}

export async function groupWithMembers(db: D1Database, id: string, page: z.infer<typeof memberPageQuery>) {
  const { row, total, members } = await groupMembersPage(db, id, page.limit, page.offset);
  if (!row) throw adminError(404, `No group ${id}.`);
  return {
    id: row.id,
    displayName: row.display_name,
    externalId: row.external_id,
    source: row.source,
    builtIn: row.id === ALL_USERS_GROUP_ID,
    created: row.created,
    lastModified: row.last_modified,
    memberCount: total,
    limit: page.limit,
    offset: page.offset,
    members: members.map((m) => ({
      id: m.id,
      userName: m.user_name,
      displayName: m.display_name,
      source: m.source,
      status: m.active ? "active" : "suspended",
    })),
  };
}
export type GroupPage = Awaited<ReturnType<typeof groupWithMembers>>;
