import type { GroupChange } from "../groups/changes";
import type { GroupRow } from "../groups/row";
import { ScimError } from "../scim/errors";
import type { TenantContext } from "../tenants/context";
import type { ChangeResult, GroupMembership } from "./durable-object";

/** The port the group service uses; the Durable Object is its only production adapter. */
export interface GroupSequencer {
  change(groupId: string, change: GroupChange): Promise<GroupRow | null>;
}

/**
 * Events the object committed come back with the result and join the request's (events/outbox.ts).
 * `ns` is the GROUPS binding, which wrangler.toml binds to GroupMembership; platform/env.ts cannot
 * name that class (it sits below this module), so the stub gets its type here.
 */
export function durableSequencer(ns: DurableObjectNamespace, t: TenantContext): GroupSequencer {
  return {
    async change(groupId, change) {
      const stub = ns.getByName(`${t.slug}:${groupId}`) as DurableObjectStub<GroupMembership>;
      const result = (await stub.change(t.slug, groupId, change)) as ChangeResult;
      if (!result.ok) throw new ScimError(result.error.status, result.error.detail, result.error.scimType);
      t.committed.push(...result.events);
      return result.row;
    },
  };
}
