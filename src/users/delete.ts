import { commit } from "../events/commit";
import { audit } from "../events/types";
import { groupsOfMember } from "../groups/repo";
import type { GroupSequencer } from "../groups/sequencer";
import { ScimError } from "../scim/errors";
import { checkPreconditions, type Preconditions } from "../scim/meta";
import type { TenantContext } from "../tenants/context";
import { forgetUser } from "./recent";
import { deleteUserAtVersionStatement, findUser, tombstoneStatement } from "./repo";
import type { UserRow } from "./row";
import { orNotFound, softDeleteUser } from "./service";

const MAX_ATTEMPTS = 5;

/**
 * A SCIM DELETE of a user (the single route and /Bulk), by the tenant's delete mode: `suspend`
 * (P9: the user stays, suspended, and keeps its devices) or `delete`.
 */
export async function scimDeleteUser(
  t: TenantContext,
  id: string,
  groups: () => GroupSequencer,
  pre?: Preconditions,
  current?: UserRow | null,
): Promise<void> {
  if (t.settings.deleteMode === "delete") return deleteUserForGood(t, id, groups, pre, current);
  await softDeleteUser(t, id, pre, current);
}
/** How often the groups are looked at again for a membership a change in flight may have written. */
const MEMBERSHIP_SWEEPS = 3;

/**
 * A SCIM DELETE in a tenant whose delete mode is `delete` (the interoperability profile's
 * "a DELETE that deletes"): the user row goes, with a tombstone of it written in the same batch
 * (the console shows the user as deleted; the event is `user.deleted`), so SCIM answers 404
 * afterwards and the userName and externalId are free for a new user. Its group memberships go
 * through each group's Durable Object afterwards, as an admin's hard delete does. The delete
 * applies only to the row at the version read (If-Match is checked against it); a row that moved
 * in between is read again.
 */
export async function deleteUserForGood(
  t: TenantContext,
  id: string,
  groups: () => GroupSequencer,
  pre?: Preconditions,
  current?: UserRow | null,
): Promise<void> {
  let row = current === undefined ? await findUser(t.db, id) : current;
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const user = orNotFound(row, id);
    checkPreconditions(pre, user.version);
    let memberOf = await groupsOfMember(t.db, id);
    const event = audit("scim", "delete", "User", id, {
      userName: user.user_name,
      ...(user.external_id ? { externalId: user.external_id } : {}),
      request: "DELETE",
      groups: memberOf.length,
    });
    const now = new Date().toISOString();
    const [, deleted] = await commit(
      t,
      [tombstoneStatement(t.db, id, user.version, now), deleteUserAtVersionStatement(t.db, id, user.version)],
      [event],
      { ifLastChanged: true },
    );
    if (deleted.meta.changes > 0) {
      forgetUser(t, id);
      for (let sweep = 0; sweep < MEMBERSHIP_SWEEPS && memberOf.length > 0; sweep++) {
        for (const g of memberOf) await groups().change(g.id, { kind: "remove-user", userId: id });
        memberOf = await groupsOfMember(t.db, id);
      }
      return;
    }
    row = await findUser(t.db, id);
  }
  throw new ScimError(409, "The user is being changed by other requests at this moment; retry the request.");
}
