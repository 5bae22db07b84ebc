/**
 * Okta's "SCIM 2.0 SPEC Test" (the checks Okta requires of an integration) against the Worker
 * under `wrangler dev`. Source and quirks: ../../../shared/peers/suites/okta-scim20-spec-test/ORIGIN.md.
 */
import { randomBytes, randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, expect, it } from "vitest";
import { scimFetch, startBlackbox, type Blackbox } from "./harness.ts";
import { suiteFile } from "./suites.ts";
import { runRunscopeTest, type RunscopeTest } from "./okta-runner.ts";

const SUITE = suiteFile("okta-scim20-spec-test/Okta-SCIM-20-SPEC-Test.json");

let box: Blackbox;

beforeAll(async () => {
  box = await startBlackbox();
});

afterAll(async () => {
  await box?.stop();
});

/** The suite's first step lists users and expects at least one complete one to exist already. */
async function createExistingUser(): Promise<string> {
  const response = await scimFetch(box, "/Users", {
    method: "POST",
    body: JSON.stringify({
      schemas: ["urn:ietf:params:scim:schemas:core:2.0:User"],
      userName: "existing.user@example.com",
      name: { givenName: "Existing", familyName: "User" },
      emails: [{ value: "existing.user@example.com", type: "work", primary: true }],
      displayName: "Existing User",
      active: true,
    }),
  });
  return `${response.status} ${(await response.text()).slice(0, 200)}`;
}

it("passes every assertion of the Okta SCIM 2.0 SPEC Test", async () => {
  const setup = await createExistingUser();
  const suffix = randomBytes(4).toString("hex");
  const randomUsername = `okta.${suffix}@example.com`;
  const vars: Record<string, string> = {
    SCIMBaseURL: box.tenantUrl,
    auth: `Bearer ${box.scimToken}`,
    UserIdThatDoesNotExist: randomUUID(),
    InvalidUserEmail: `nobody.${suffix}@example.invalid`,
    randomUsername,
    randomUsernameCaps: randomUsername.toUpperCase(),
    randomGivenName: `Given${suffix}`,
    randomFamilyName: `Family${suffix}`,
    randomEmail: `okta.mail.${suffix}@example.com`,
  };
  const suite = JSON.parse(readFileSync(SUITE, "utf8")) as RunscopeTest;
  const results = await runRunscopeTest(suite, vars);

  const failed = results.filter((r) => !r.passed);
  console.log(`okta: ${results.length - failed.length}/${results.length} assertions passed`);
  if (failed.length > 0) {
    console.log(`okta setup (POST /Users of the existing user): ${setup}`);
    for (const f of failed)
      console.log(`okta FAIL [${f.step}] ${f.assertion} -> got ${f.actual} (response: ${f.response})`);
  }
  expect(results.length).toBe(50);
  expect(failed.map((f) => `[${f.step}] ${f.assertion} -> got ${f.actual}`)).toEqual([]);
});
