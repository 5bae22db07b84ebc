import type { GroupChange } from "../groups/changes";
import { withRetries } from "../platform/retry";
import { recentGroups } from "../groups/recent";
import { ScimError } from "../scim/errors";
import type { TenantContext } from "../tenants/context";
import { assertTokenKnownGood } from "../tenants/guarded-db";
import type { GroupSequencer } from "../groups/sequencer";
import type { ChangeResult, GroupMembership } from "./durable-object";

/**
 * Events the object committed come back with the result and join the request's (events/outbox.ts).
 * `ns` is the GROUPS binding, which wrangler.toml binds to GroupMembership; platform/env.ts cannot
 * name that class (it sits below this module), so the stub gets its type here.
 */
export function durableSequencer(ns: DurableObjectNamespace, t: TenantContext): GroupSequencer {
  const seq: GroupSequencer = {
    change: async (groupId, change) => (await seq.changeShowing(groupId, change)).row,
    async changeShowing(groupId, change) {
      assertTokenKnownGood(t.db);
      const call = () => {
        const stub = ns.getByName(`${t.slug}:${groupId}`) as DurableObjectStub<GroupMembership>;
        return stub.change(t.slug, groupId, change, recentGroups.get(t.slug, groupId)) as Promise<ChangeResult>;
      };
      const result = await withRetries(call, isIdempotent(change));
      if (!result.ok) {
        const { status, detail, scimType, reason } = result.error;
        throw new ScimError(status, detail, scimType, reason);
      }
      t.committed.push(...result.events);
      if (result.row) recentGroups.remember(t.slug, result.row);
      else recentGroups.forget(t.slug, groupId);
      return { row: result.row, members: result.members };
    },
  };
  return seq;
}

/**
 * A change that, applied twice, leaves the group as applying it once does and answers the same:
 * membership and attribute PATCHes and PUTs are set operations, and a user's removal is a no-op
 * the second time. Not a DELETE (the retry would answer 404), nor a conditional write (If-Match:
 * the retry would meet the version the first attempt made). The events of a first attempt whose
 * answer was lost stay in the outbox and reach the Queue through the sweep.
 */
export const isIdempotent = (c: GroupChange) =>
  c.kind === "remove-user" || ((c.kind === "patch" || c.kind === "replace") && !c.pre?.ifMatch && !c.pre?.ifNoneMatch);
