import { DurableObject } from "cloudflare:workers";
import { applyGroupChange, type GroupChange } from "../groups/changes";
import { type Applied, changeInOneTrip } from "../groups/one-trip";
import { newer } from "../groups/recent";
import { membersOf } from "../groups/repo";
import type { GroupRow, MemberRow } from "../groups/row";
import type { OutboxEvent } from "../events/types";
import type { Env } from "../platform/env";
import { ScimError } from "../scim/errors";
import { tenantDatabase } from "../tenants/resolve";

/** Error properties do not survive RPC, so expected failures travel as values (docs/design.md). */
export type ChangeResult =
  | { ok: true; row: GroupRow | null; events: OutboxEvent[]; members?: MemberRow[] }
  | {
      ok: false;
      error: { status: number; detail: string; scimType?: ScimError["scimType"]; reason?: ScimError["reason"] };
    };

/**
 * One instance per (tenant, group), named `<tenant>:<groupId>`. Every write touching the
 * group's membership runs here, one at a time, in arrival order.
 *
 * Awaiting D1 opens the object's input gate, so without an explicit queue a second call would
 * interleave with the first between its read and its write (measured: 50 concurrent
 * read-modify-writes ended at 2 members). The promise chain below is that queue.
 */
export class GroupMembership extends DurableObject<Env> {
  private tail: Promise<unknown> = Promise.resolve();
  /**
   * The group as this object last left it (or read it), the start of the next change's
   * one-trip way (groups/one-trip.ts); never trusted: that way checks its version in D1.
   */
  private known: GroupRow | undefined;

  /** `hint`: the group as the calling Worker last saw it, for an object that has no copy of its own. */
  async change(tenant: string, groupId: string, change: GroupChange, hint?: GroupRow): Promise<ChangeResult> {
    return this.serially(async () => {
      const db = tenantDatabase(this.env, tenant);
      if (!db) return { ok: false, error: { status: 404, detail: `No tenant "${tenant}".` } };
      const known = newer(this.known?.id === groupId ? this.known : undefined, hint?.id === groupId ? hint : undefined);
      this.known = undefined;
      try {
        const applied: Applied =
          (known && (await changeInOneTrip(db, known, change))) || (await applyGroupChange(db, groupId, change));
        this.known = applied.row ?? undefined;
        // The classic way reads the members a PUT's answer shows after its write.
        if (change.kind === "replace" && change.showMembers && applied.row && !applied.members)
          applied.members = await membersOf(db, [groupId]);
        return { ok: true, ...applied };
      } catch (e) {
        if (e instanceof ScimError)
          return { ok: false, error: { status: e.status, detail: e.detail, scimType: e.scimType, reason: e.reason } };
        throw e;
      }
    });
  }

  private serially<T>(task: () => Promise<T>): Promise<T> {
    const run = this.tail.then(task, task);
    this.tail = run.catch(() => undefined);
    return run;
  }
}
