/**
 * P2 end to end: rotating a tenant's token with the CLI code while the Worker runs stops the old
 * token at once (the Worker checks the D1 tokens table, not only the eventually consistent KV).
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import { rotateToken } from "../../src/cli/tenants.ts";
import { PROJECT_ROOT, scimFetch, startBlackbox, type Blackbox } from "./harness.ts";

let box: Blackbox;

beforeAll(async () => {
  box = await startBlackbox();
});

afterAll(async () => {
  await box?.stop();
});

function listUsers(token: string): Promise<Response> {
  return scimFetch(box, "/Users?count=1", { headers: { authorization: `Bearer ${token}` } });
}

it("a rotated SCIM token stops at once and its successor works", async () => {
  const old = box.scimToken;
  expect((await listUsers(old)).status).toBe(200);

  const target = { configPath: box.configPath, remote: false, persistTo: box.persistTo, cwd: PROJECT_ROOT };
  const next = await rotateToken(target, box.slug, "scim");

  expect((await listUsers(old)).status).toBe(401);
  expect((await listUsers(next.token)).status).toBe(200);
});

it("an admin token is not a SCIM token", async () => {
  expect((await listUsers(box.adminToken)).status).toBe(401);
});
