import { describe, expect, it } from "vitest";
import { modifiedProperties } from "../../src/activity/changes";
import { currentReason, failureReason, storedReasons } from "../../src/activity/reasons";
import { buildRecord, type RequestFacts } from "../../src/activity/record";
import { REQUEST_CAP_BYTES, looksSecret, redactBody, redactQuery } from "../../src/activity/redact";

const facts = (over: Partial<RequestFacts>): RequestFacts => ({
  id: "r1",
  started: Date.parse("2026-12-02T03:00:00.000Z"),
  durationMs: 12.4,
  method: "GET",
  url: "https://x.test/t/acme/scim/v2/Users",
  basePath: "/t/acme/scim/v2",
  status: 200,
  scimType: null,
  detail: null,
  errorReason: null,
  location: null,
  tokenId: "tok-1",
  body: null,
  requestBytes: null,
  note: undefined,
  events: [],
  ...over,
});

describe("activity: redaction", () => {
  it("tells secrets from ids", () => {
    expect(looksSecret(`scim_${"a".repeat(43)}`)).toBe(true);
    expect(looksSecret("Bearer abc")).toBe(true);
    expect(looksSecret("eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sig")).toBe(true);
    expect(looksSecret("9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08")).toBe(true);
    expect(looksSecret("0d4c6c7e-0f3a-4f5e-9a57-5bd2bb8a1c11")).toBe(false);
    expect(looksSecret("ann.lee@contoso.com")).toBe(false);
    expect(looksSecret("A long display name with spaces in it, 1234567890")).toBe(false);
  });

  it("replaces secret attributes and values, shortens long ones, caps the body", () => {
    const body = JSON.parse(
      redactBody(
        JSON.stringify({ password: "hunter2", userName: "ann", note: "x".repeat(1000), list: Array(30).fill(1) }),
      ),
    );
    expect(body.password).toBe("[redacted]");
    expect(body.userName).toBe("ann");
    expect(body.note).toMatch(/^x{256}…\(\+744 chars\)$/);
    expect(body.list).toHaveLength(21);
    const huge = {
      Operations: Array.from({ length: 50 }, (_, i) => ({
        [`k${i}`]: Array.from({ length: 50 }, () => ({ a: "y".repeat(200), b: "z".repeat(200) })),
      })),
    };
    expect(new TextEncoder().encode(redactBody(JSON.stringify(huge))).byteLength).toBeLessThanOrEqual(
      REQUEST_CAP_BYTES,
    );
    expect(JSON.parse(redactBody(`not json ${"scim_" + "b".repeat(43)}`))).toEqual({ unparsed: "not json [redacted]" });
  });

  it("decodes the query and redacts secret parameters", () => {
    expect(redactQuery("?filter=userName+eq+%22a%40b.c%22&access_token=abc")).toBe(
      'filter=userName eq "a@b.c"&access_token=[redacted]',
    );
    expect(redactQuery("")).toBeNull();
  });
});

describe("activity: the record", () => {
  it("a lookup names the user it looked for", () => {
    const r = buildRecord(
      facts({ url: "https://x.test/t/acme/scim/v2/Users?filter=userName+eq+%22ann%40contoso.com%22" }),
    );
    expect(r).toMatchObject({
      op: "read",
      resourceType: "User",
      userName: "ann@contoso.com",
      path: "/Users",
      durationMs: 12,
      reason: null,
    });
  });

  it("a search names the user its body's filter looked for", () => {
    const r = buildRecord(
      facts({
        method: "POST",
        url: "https://x.test/t/acme/scim/v2/Users/.search",
        body: JSON.stringify({ filter: 'externalId eq "e-7"' }),
      }),
    );
    expect(r).toMatchObject({ op: "read", resourceType: "User", resourceId: null, externalId: "e-7" });
  });

  it("a create takes its id from Location and its names from the body", () => {
    const r = buildRecord(
      facts({
        method: "POST",
        status: 201,
        location: "https://x.test/t/acme/scim/v2/Users/u-9",
        body: JSON.stringify({ userName: "bo", externalId: "e1" }),
      }),
    );
    expect(r).toMatchObject({ op: "create", resourceId: "u-9", userName: "bo", externalId: "e1" });
  });

  it("modified properties: old and new values per attribute path, as Entra shows them", () => {
    const before = {
      userName: "a",
      name: { givenName: "Ann" },
      "urn:x:User": { department: "Sales" },
      emails: [{ value: "a@x" }],
    };
    const after = {
      userName: "a",
      name: { givenName: "Anne" },
      "urn:x:User": { department: "Sales", costCenter: "7" },
      emails: [{ value: "a@x" }],
    };
    expect(modifiedProperties({ before, after })).toEqual([
      { attribute: "name.givenName", old: "Ann", new: "Anne" },
      { attribute: "urn:x:User:costCenter", old: null, new: "7" },
    ]);
  });
});

describe("activity: failure reasons", () => {
  it.each([
    [400, "invalidValue", "email-required", "email-required"],
    [400, "invalidValue", "names-required", "names-required"],
    [409, "uniqueness", "unique-group-names", "unique-group-names"],
    [409, "uniqueness", "user-exists", "user-exists"],
    [409, "uniqueness", null, "conflict"],
    [404, null, null, "not-found"],
    [400, "invalidFilter", null, "invalid-filter"],
    [400, "invalidValue", null, "invalid-value"],
    [500, null, null, "server-error"],
    [201, null, null, null],
  ] as const)("%s %s %s -> %s", (status, scimType, code, reason) => {
    expect(failureReason(status, scimType, code)).toBe(reason);
  });

  it("the code comes from the error, never from its text", () => {
    // A detail that once named a rule no longer decides the code.
    expect(failureReason(400, "invalidValue", null)).toBe("invalid-value");
    expect(
      buildRecord(facts({ status: 400, scimType: "invalidValue", detail: "x (P5) userName", errorReason: null }))
        .reason,
    ).toBe("invalid-value");
  });

  it("records stored under a rule id read as the current code", () => {
    expect(currentReason("P5")).toBe("email-required");
    expect(storedReasons("email-required")).toEqual(["email-required", "P5"]);
    expect(currentReason("invalid-value")).toBe("invalid-value");
  });
});
