import { commit } from "../events/commit";
import { audit } from "../events/types";
import type { GroupSequencer } from "./sequencer";
import type { TenantContext } from "../tenants/context";
import { badRequest, notFound } from "../scim/errors";
import { memberIds, planGroupPatch } from "../scim/group-patch";
import { type ScimDoc, isPlainObject, normalizeResource } from "../scim/normalize";
import { type Dialect, refusePathlessOperations, refuseUnknownAttributes, refuseUnknownSchemas } from "../scim/dialect";
import { checkResourceSchemas } from "../scim/schemas-attr";
import { checkSizes } from "../scim/sizes";
import type { Preconditions } from "../scim/meta";
import { GROUP_RESOURCE } from "../scim/schema/resources";
import { memberSample } from "./changes";
import { assertMembersAllowed, readGroupState } from "./members";
import { addMembersStatement, findGroup, insertGroupStatement } from "./repo";
import { type GroupRow, type MemberRow, groupRow } from "./row";

/**
 * A new group's id is unknown to anyone until this request answers, so its first members are
 * written here directly, in the same batch as the group, without going through a sequencer.
 */
export async function createGroup(t: TenantContext, body: unknown): Promise<{ row: GroupRow; members: string[] }> {
  const db = t.db;
  const { doc: rest, members } = groupBody(body, t.settings.dialect);
  if (typeof rest.displayName !== "string" || rest.displayName.trim() === "") {
    throw badRequest("invalidValue", "displayName is required and must not be blank.");
  }
  checkSizes(rest);
  const ids = members ?? [];
  const id = crypto.randomUUID();
  // Entra creates groups empty and adds members by PATCH: no read at all in that case.
  if (ids.length) assertMembersAllowed(await readGroupState(db, id, { add: ids, remove: [] }));
  const now = new Date().toISOString();
  const event = audit("scim", "create", "Group", id, {
    displayName: rest.displayName,
    ...(typeof rest.externalId === "string" ? { externalId: rest.externalId } : {}),
    members: ids.length,
    ...memberSample({ add: ids, remove: [] }),
  });
  await commit(
    t,
    [insertGroupStatement(db, { id, doc: rest, now }), ...(ids.length ? [addMembersStatement(db, id, ids)] : [])],
    [event],
  );
  return {
    row: groupRow({ id, doc: rest, source: "scim", version: 1, created: now, lastModified: now }),
    members: ids,
  };
}

/** A POST or PUT body: the document without members, and the member ids when `members` was given. */
function groupBody(body: unknown, dialect: Dialect): { doc: ScimDoc; members?: string[] } {
  checkGroupBody(body);
  refuseUnknownSchemas(dialect, body, GROUP_RESOURCE);
  const normalized = normalizeResource(body, GROUP_RESOURCE);
  refuseUnknownAttributes(dialect, normalized.ignored);
  const { members, ...doc } = normalized.doc;
  return { doc, members: members === undefined ? undefined : memberIds(members) };
}

export async function getGroup(db: D1Database, id: string): Promise<GroupRow> {
  const row = await findGroup(db, id);
  if (!row) throw notFound(`Group ${id} not found.`);
  return row;
}

export function patchGroup(
  seq: GroupSequencer,
  id: string,
  ops: unknown,
  pre?: Preconditions,
  dialect: Dialect = "entra",
) {
  if (Array.isArray(ops)) refusePathlessOperations(dialect, ops);
  return seq.change(id, { kind: "patch", plan: planGroupPatch(ops), pre }) as Promise<GroupRow>;
}

/** Normalised here, once, before the Durable Object call: a bad body costs the group's queue nothing. */
export function replaceGroup(
  seq: GroupSequencer,
  id: string,
  body: unknown,
  pre?: Preconditions,
  showMembers = false,
  dialect: Dialect = "entra",
): Promise<{ row: GroupRow; members?: MemberRow[] }> {
  const { doc, members } = groupBody(body, dialect);
  return seq.changeShowing(id, { kind: "replace", doc, members, pre, showMembers }) as Promise<{
    row: GroupRow;
    members?: MemberRow[];
  }>;
}

/**
 * A POST/PUT body's envelope, before any read: its `schemas` (RFC 7643 3), and `members` as a
 * list (RFC 7643 2.4). A PATCH value may be one member (RFC 7644 3.5.2.1); a resource may not.
 */
function checkGroupBody(body: unknown): void {
  checkResourceSchemas(body, GROUP_RESOURCE);
  if (!isPlainObject(body)) return;
  const key = Object.keys(body).find((k) => k.toLowerCase() === "members");
  const members = key === undefined ? undefined : body[key];
  if (members !== undefined && members !== null && !Array.isArray(members)) {
    throw badRequest("invalidValue", `"members" must be an array of user members; got ${typeof members}.`);
  }
}

export const deleteGroup = (seq: GroupSequencer, id: string, pre?: Preconditions) =>
  seq.change(id, { kind: "delete", pre });
