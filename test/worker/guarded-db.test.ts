import { describe, expect, it } from "vitest";
import { env } from "cloudflare:test";
import { durableSequencer } from "../../src/membership/sequencer";
import type { TenantContext } from "../../src/tenants/context";
import {
  GuardFailed,
  GuardUnchecked,
  TokenRevoked,
  assertTokenKnownGood,
  guardedD1,
} from "../../src/tenants/guarded-db";
import { tokenGuardStatement } from "../../src/tenants/one-trip";
import { issueToken, tenantDb } from "./helpers";

/**
 * The guard is recognised by its own error (SQLite's integer overflow raised by the guard
 * statement), not by exclusion, on the tenant's real local D1: a refusal before the verdict asks
 * for the classic check (GuardFailed), a refusal after it stops the request (TokenRevoked), a
 * constraint failure of a later statement proves the guard passed, and any other failure is
 * neither (GuardUnchecked: 503, never a re-run as if the token had failed).
 */
const db = tenantDb("acme");
const sha256 = async (s: string) =>
  [...new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(s)))]
    .map((b) => b.toString(16).padStart(2, "0"))
    .join("");

async function guards(revoked: boolean) {
  const { token, id } = await issueToken("acme");
  const hash = await sha256(token);
  if (revoked) await db.prepare("UPDATE tokens SET revoked = ?1 WHERE id = ?2").bind("2026-01-01", id).run();
  return () => tokenGuardStatement(db, { tokenId: id, hash, scope: "scim" });
}

describe("the one-trip guard, recognised by its own error", () => {
  it("a refused first batch is GuardFailed and keeps nothing; onPassed is not called", async () => {
    let passed = 0;
    const g = guardedD1(db, { first: await guards(true), later: await guards(true), onPassed: () => passed++ });
    const name = `k${crypto.randomUUID()}`;
    const write = g.prepare("INSERT INTO settings (key, value) VALUES (?1, 'x')").bind(name);
    const err = await write.run().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GuardFailed);
    expect(String((err as GuardFailed).cause)).toMatch(/integer overflow/);
    expect(passed).toBe(0);
    expect(await db.prepare("SELECT 1 FROM settings WHERE key = ?1").bind(name).first()).toBeNull();
  });

  it("a constraint failure after the guard proves it passed: the error itself, onPassed called", async () => {
    let passed = 0;
    const good = await guards(false);
    const g = guardedD1(db, { first: good, later: good, onPassed: () => passed++ });
    const name = `k${crypto.randomUUID()}`;
    await db.prepare("INSERT INTO settings (key, value) VALUES (?1, 'x')").bind(name).run();
    const err = await g
      .prepare("INSERT INTO settings (key, value) VALUES (?1, 'y')")
      .bind(name)
      .run()
      .catch((e: unknown) => e);
    expect(String(err)).toMatch(/UNIQUE constraint failed/);
    expect(err).not.toBeInstanceOf(GuardFailed);
    expect(passed).toBe(1);
  });

  it("any other failure of the first batch is GuardUnchecked, not a token failure", async () => {
    const good = await guards(false);
    const g = guardedD1(db, { first: good, later: good });
    const err = await g
      .prepare("SELECT * FROM no_such_table")
      .all()
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GuardUnchecked);
    expect(err).not.toBeInstanceOf(GuardFailed);
  });

  it("after the guard passed, a token revoked meanwhile stops the next batch (TokenRevoked), which keeps nothing", async () => {
    const { token, id } = await issueToken("acme");
    const hash = await sha256(token);
    const guard = () => tokenGuardStatement(db, { tokenId: id, hash, scope: "scim" });
    const g = guardedD1(db, { later: guard });
    expect(await g.prepare("SELECT 1 AS one").first("one")).toBe(1);
    await db.prepare("UPDATE tokens SET revoked = ?1 WHERE id = ?2").bind("2026-01-01", id).run();
    const name = `k${crypto.randomUUID()}`;
    const err = await g
      .prepare("INSERT INTO settings (key, value) VALUES (?1, 'x')")
      .bind(name)
      .run()
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TokenRevoked);
    expect(await db.prepare("SELECT 1 FROM settings WHERE key = ?1").bind(name).first()).toBeNull();
  });

  it("the re-run contract: a send (the group's Durable Object) before the guard passed fails; after it, it may", async () => {
    const good = await guards(false);
    const g = guardedD1(db, { first: good, later: good });
    const t = { slug: "acme", db: g, committed: [] } as unknown as TenantContext;
    const groups = (env as unknown as { GROUPS: DurableObjectNamespace }).GROUPS;
    const sent = await durableSequencer(groups, t)
      .change("no-such-group", { kind: "delete" } as never)
      .catch((e: unknown) => e);
    expect(String(sent)).toMatch(/a send before the request's token was known good/);
    expect(() => assertTokenKnownGood(g)).toThrow();
    await g.prepare("SELECT 1").first();
    expect(() => assertTokenKnownGood(g)).not.toThrow();
    // A database checked the classic way has no verdict to wait for.
    expect(() => assertTokenKnownGood(guardedD1(db, { later: good }))).not.toThrow();
  });
});
