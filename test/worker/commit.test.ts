import { describe, expect, it } from "vitest";
import { UniqueViolation } from "../../src/db/writes";
import { commit } from "../../src/events/commit";
import { type OutboxEvent, audit } from "../../src/events/types";
import { insertGroupStatement } from "../../src/groups/repo";
import { insertUserStatement, updateUserStatement } from "../../src/users/repo";
import { tenantDb } from "./helpers";

/**
 * The one commit path for writes and their events (events/commit.ts), against the tenant's real
 * local D1: the events commit with the writes or not at all, and a unique violation is the same
 * 409 `uniqueness`, named by its constraint, whatever the write.
 */
const db = tenantDb("acme");
const now = new Date().toISOString();
const target = () => ({ db, committed: [] as OutboxEvent[] });
const userDoc = (userName: string) => ({
  userName,
  name: { givenName: "A", familyName: "B" },
  emails: [{ value: userName }],
});
const insertUser = (id: string, userName: string) =>
  insertUserStatement(db, { id, doc: userDoc(userName), source: "scim", managedAppleId: null, now });
const outboxRow = (id: string) => db.prepare("SELECT id FROM outbox WHERE id = ?1").bind(id).first();
const userRow = (id: string) => db.prepare("SELECT id FROM users WHERE id = ?1").bind(id).first();

describe("commit: writes and their events, one transaction", () => {
  it("writes the events with the change and records them for the Queue", async () => {
    const t = target();
    const id = crypto.randomUUID();
    const event = audit("scim", "create", "User", id);
    await commit(t, [insertUser(id, `commit-${id}@x.test`)], [event]);
    expect(t.committed).toEqual([event]);
    expect(await outboxRow(event.id)).not.toBeNull();
  });

  it.each([
    ["users.user_name", (name: string) => [insertUser(crypto.randomUUID(), name)]],
    [
      "groups.display_name",
      (name: string) => [insertGroupStatement(db, { id: crypto.randomUUID(), doc: { displayName: name }, now })],
    ],
  ] as const)(
    "a %s violation is a 409 uniqueness with its tag; nothing of the batch stays, no event",
    async (tag, write) => {
      const name = `dup-${crypto.randomUUID()}@x.test`;
      await commit(target(), write(name), []);
      const t = target();
      const before = crypto.randomUUID();
      const event = audit("scim", "create", "User", before);
      const error = await commit(
        t,
        [insertUser(before, `other-${before}@x.test`), ...write(name.toUpperCase())],
        [event],
      ).catch((e) => e);
      expect(error).toBeInstanceOf(UniqueViolation);
      expect(error).toMatchObject({ tag, status: 409, scimType: "uniqueness" });
      expect(t.committed).toEqual([]);
      expect(await outboxRow(event.id)).toBeNull();
      expect(await userRow(before)).toBeNull();
    },
  );

  it("ifLastChanged: an optimistic update that lost its race writes no event", async () => {
    const id = crypto.randomUUID();
    await commit(target(), [insertUser(id, `race-${id}@x.test`)], []);
    const t = target();
    const event = audit("scim", "update", "User", id);
    const stale = updateUserStatement(db, {
      id,
      doc: userDoc(`race-${id}@x.test`),
      source: "scim",
      managedAppleId: null,
      now,
      version: 7,
      created: now,
    });
    const [res] = await commit(t, [stale], [event], { ifLastChanged: true });
    expect(res.results).toEqual([]);
    expect(t.committed).toEqual([]);
    expect(await outboxRow(event.id)).toBeNull();
  });
});
