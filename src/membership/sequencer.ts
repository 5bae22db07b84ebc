import type { GroupChange } from "../groups/changes";
import type { GroupRow } from "../groups/row";
import { ScimError } from "../scim/errors";
import type { GroupMembership } from "./durable-object";

/** The port the group service uses; the Durable Object is its only production adapter. */
export interface GroupSequencer {
  change(groupId: string, change: GroupChange): Promise<GroupRow | null>;
}

export function durableSequencer(ns: DurableObjectNamespace<GroupMembership>, tenant: string): GroupSequencer {
  return {
    async change(groupId, change) {
      const result = await ns.getByName(`${tenant}:${groupId}`).change(tenant, groupId, change);
      if (!result.ok) throw new ScimError(result.error.status, result.error.detail, result.error.scimType);
      return result.row;
    },
  };
}
