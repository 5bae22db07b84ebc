import type { TenantContext } from "../tenants/context";
import type { GroupChange } from "./changes";
import type { GroupRow, MemberRow } from "./row";

/**
 * The port the group service writes through: one writer per group serialises membership
 * changes. The Durable Object adapter (membership/sequencer.ts) is built where the app is
 * composed (app.ts, request-services.ts) and handed to routes as `c.var.sequencerFor`, so
 * nothing in the layers below names the binding.
 */
export interface GroupSequencer {
  change(groupId: string, change: GroupChange): Promise<GroupRow | null>;
  /** As `change`, with the members after it when a `replace` asked for them (`showMembers`). */
  changeShowing(groupId: string, change: GroupChange): Promise<{ row: GroupRow | null; members?: MemberRow[] }>;
}

export type SequencerFor = (t: TenantContext) => GroupSequencer;

declare module "hono" {
  interface ContextVariableMap {
    sequencerFor: SequencerFor;
  }
}
