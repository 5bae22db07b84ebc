import { outboxStatement } from "../events/outbox";
import { audit } from "../events/types";
import type { GroupSequencer } from "../membership/sequencer";
import type { TenantContext } from "../tenants/context";
import { badRequest, notFound } from "../scim/errors";
import { planGroupPatch } from "../scim/group-patch";
import { normalizeResource } from "../scim/normalize";
import { GROUP_RESOURCE } from "../scim/schema/resources";
import { runWrites } from "../db/writes";
import { memberIds } from "./changes";
import { assertMembersAllowed, readGroupState } from "./members";
import { addMembersStatement, findGroup, insertGroupStatement } from "./repo";
import type { GroupRow } from "./row";

/**
 * A new group's id is unknown to anyone until this request answers, so its first members are
 * written here directly, in the same batch as the group, without going through a sequencer.
 */
export async function createGroup(t: TenantContext, body: unknown): Promise<GroupRow> {
  const db = t.db;
  const { doc } = normalizeResource(body, GROUP_RESOURCE);
  const { members, ...rest } = doc;
  if (typeof rest.displayName !== "string" || rest.displayName.trim() === "") {
    throw badRequest("invalidValue", "displayName is required and must not be blank.");
  }
  const ids = memberIds(members);
  const id = crypto.randomUUID();
  // Entra creates groups empty and adds members by PATCH: no read at all in that case.
  if (ids.length) assertMembersAllowed(await readGroupState(db, id, { add: ids, remove: [] }));
  const now = new Date().toISOString();
  const event = audit("scim", "create", "Group", id, { displayName: rest.displayName, members: ids.length, addedIds: ids.slice(0, 100) });
  await runWrites(db, [
    insertGroupStatement(db, { id, doc: rest, now }),
    ...(ids.length ? [addMembersStatement(db, id, ids)] : []),
    outboxStatement(db, [event]),
  ]);
  t.committed.push(event);
  return { id, display_name: rest.displayName, external_id: (rest.externalId as string) ?? null, source: "scim", doc: JSON.stringify(rest), version: 1, created: now, last_modified: now };
}

export async function getGroup(db: D1Database, id: string): Promise<GroupRow> {
  const row = await findGroup(db, id);
  if (!row) throw notFound(`Group ${id} not found.`);
  return row;
}

export const patchGroup = (seq: GroupSequencer, id: string, ops: unknown, ifMatch?: string) =>
  seq.change(id, { kind: "patch", plan: planGroupPatch(ops), ifMatch }) as Promise<GroupRow>;

export const replaceGroup = (seq: GroupSequencer, id: string, body: unknown, ifMatch?: string) =>
  seq.change(id, { kind: "replace", body, ifMatch }) as Promise<GroupRow>;

export const deleteGroup = (seq: GroupSequencer, id: string, ifMatch?: string) => seq.change(id, { kind: "delete", ifMatch });
