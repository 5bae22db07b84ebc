/**
 * Issue 12 item 12: `npm start` fires the Worker's cron triggers on their schedule, as production
 * does, so an event whose Queue send was lost reaches the audit log without anyone calling the
 * scheduled handler by hand. Black-box: the real Worker under wrangler dev, the local cron of
 * src/cli/cron.ts (what `npm start` runs), and a "lost send" made the only way one happens: an
 * outbox row committed but never published.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cronMatches, cronsOf, type LocalCron, startLocalCron } from "../../src/cli/cron.ts";
import { databaseName } from "../../src/cli/names.ts";
import { d1Execute } from "../../src/cli/wrangler.ts";
import { PROJECT_ROOT, scimFetch, startBlackbox, type Blackbox } from "./harness.ts";

describe("the local cron's schedule", () => {
  it("reads wrangler.toml's crons and matches them as Cloudflare does (UTC)", () => {
    expect(cronsOf(readFileSync(path.join(PROJECT_ROOT, "wrangler.toml"), "utf8"))).toEqual(["* * * * *"]);
    expect(cronsOf('[triggers]\ncrons = ["*/5 * * * *", "0 3 * * 1-5"]\n[vars]\nX = "[1]"')).toEqual([
      "*/5 * * * *",
      "0 3 * * 1-5",
    ]);
    const at = (iso: string) => new Date(iso);
    expect(cronMatches("* * * * *", at("2026-12-02T10:17:00Z"))).toBe(true);
    expect(cronMatches("*/5 * * * *", at("2026-12-02T10:15:00Z"))).toBe(true);
    expect(cronMatches("*/5 * * * *", at("2026-12-02T10:17:00Z"))).toBe(false);
    expect(cronMatches("0 3 * * 1-5", at("2026-12-02T03:00:00Z"))).toBe(true); // a Wednesday
    expect(cronMatches("0 3 * * 1-5", at("2026-12-06T03:00:00Z"))).toBe(false); // a Sunday
    expect(cronMatches("0 0 * * 7", at("2026-12-06T00:00:00Z"))).toBe(true);
    expect(cronMatches("0 0 1 * 1", at("2026-12-07T00:00:00Z"))).toBe(true); // Monday: either day field
    expect(() => cronMatches("@hourly", new Date())).toThrow(/five fields/);
  });
});

describe("npm start's cron against wrangler dev", () => {
  let box: Blackbox;
  let cron: LocalCron | undefined;
  const fired: string[] = [];

  beforeAll(async () => {
    box = await startBlackbox();
  });
  afterAll(async () => {
    cron?.stop();
    await box?.stop();
  });

  it("an event whose queue send was lost reaches the audit log at the next minute's sweep", async () => {
    const id = crypto.randomUUID();
    const at = new Date(Date.now() - 5 * 60_000).toISOString();
    const event = {
      kind: "audit",
      id,
      at,
      actor: "admin",
      action: "settings",
      resourceType: "Tenant",
      resourceId: null,
      detail: { lostSend: true },
    };
    const payload = JSON.stringify(event).replace(/'/g, "''");
    const target = { configPath: box.configPath, remote: false, persistTo: box.persistTo, cwd: PROJECT_ROOT };
    // Committed, never published: what a crash between the commit and the Queue send leaves.
    await d1Execute(
      target,
      databaseName(box.slug),
      `INSERT INTO outbox (id, kind, payload, created) VALUES ('${id}', 'audit', '${payload}', '${at}')`,
    );
    const audited = async () => {
      const res = await fetch(`${box.adminApiUrl}/audit?resourceType=Tenant&action=settings&limit=50`, {
        headers: { authorization: `Bearer ${box.adminToken}` },
      });
      return ((await res.json()) as { entries: { id: string }[] }).entries.some((e) => e.id === id);
    };
    expect(await audited()).toBe(false);
    // The cron visits only tenants marked as having work (src/fleet/work.ts); the request whose
    // send was lost would have marked its tenant after its response. A real write does the same.
    const write = await scimFetch(box, "/Users", {
      method: "POST",
      body: JSON.stringify({
        schemas: ["urn:ietf:params:scim:schemas:core:2.0:User"],
        userName: `cron-${id}@contoso.com`,
        externalId: `cron-${id}`,
        active: true,
        name: { givenName: "Cron", familyName: "Probe" },
        emails: [{ primary: true, type: "work", value: `cron-${id}@contoso.com` }],
      }),
    });
    expect(write.status).toBe(201);

    cron = startLocalCron(box.baseUrl, cronsOf(readFileSync(box.configPath, "utf8")), (c, outcome) =>
      fired.push(`${c}: ${outcome}`),
    );
    const deadline = Date.now() + 100_000; // the next minute boundary, the sweep, then the queue consumer
    while (!(await audited())) {
      if (Date.now() > deadline)
        throw new Error(`not audited; cron firings: ${fired.join("; ") || "none"}\n${box.output()}`);
      await new Promise((r) => setTimeout(r, 1000));
    }
    expect(fired[0]).toBe("* * * * *: ok");
  }, 150_000);
});
