import { describe, expect, it } from "vitest";
import { checkPreconditions, notModified } from "../../src/scim/meta";

/** The outcome of checking preconditions against version 3: "ok" or the status thrown. */
function outcome(ifMatch?: string, ifNoneMatch?: string): "ok" | number {
  try {
    checkPreconditions({ ifMatch, ifNoneMatch }, 3);
    return "ok";
  } catch (e) {
    return (e as { status: number }).status;
  }
}

describe("If-Match (RFC 7232 section 3.1, weak comparison)", () => {
  it.each<[string, "ok" | number]>([
    ['W/"3"', "ok"],
    ['"3"', "ok"],
    ["*", "ok"],
    [" * ", "ok"],
    ['W/"2"', 412],
    ['W/"99999", W/"3"', "ok"],
    ['W/"3", W/"99999"', "ok"],
    ['W/"1",W/"2"', 412],
    // Two If-Match headers arrive joined by ", ": one list.
    ['W/"99999", "3"', "ok"],
    [', , W/"3" ,', "ok"],
    // `*` is not an entity tag: a list holding it is not a valid header, and never matches.
    ['W/"99999", *', 412],
    ['*, W/"3"', 412],
    ['W/"3" W/"4"', 412],
    ["3", 412],
    ["W/3", 412],
    ['"3', 412],
    ["", 412],
    [",", 412],
    ['W/"a,b", W/"3"', "ok"],
  ])("If-Match: %s -> %s", (header, expected) => {
    expect(outcome(header)).toBe(expected);
  });

  it("without preconditions anything goes", () => {
    expect(outcome()).toBe("ok");
    expect(() => checkPreconditions(undefined, 3)).not.toThrow();
  });
});

describe("If-None-Match on a write (RFC 7232 section 3.2)", () => {
  it.each<[string, "ok" | number]>([
    ["*", 412],
    ['W/"3"', 412],
    ['W/"1", "3"', 412],
    ['W/"1", W/"2"', "ok"],
    ["nonsense", 412],
  ])("If-None-Match: %s -> %s", (header, expected) => {
    expect(outcome(undefined, header)).toBe(expected);
  });

  it("If-Match is evaluated first, and both must hold (RFC 7232 section 6)", () => {
    expect(outcome('W/"3"', 'W/"2"')).toBe("ok");
    expect(outcome('W/"3"', "*")).toBe(412);
    expect(outcome('W/"2"', 'W/"2"')).toBe(412);
  });

  it("the detail says why", () => {
    expect(() => checkPreconditions({ ifNoneMatch: "*" }, 3)).toThrow(/does not create resources/);
    expect(() => checkPreconditions({ ifMatch: 'W/"1", *' }, 3)).toThrow(/list of entity tags/);
    expect(() => checkPreconditions({ ifMatch: 'W/"1"' }, 3)).toThrow(/current version is W\/"3"/);
  });
});

describe("If-None-Match on a GET", () => {
  it.each<[string | undefined, boolean]>([
    [undefined, false],
    ['W/"3"', true],
    ['"3"', true],
    ["*", true],
    ['W/"2", W/"3"', true],
    ['W/"2"', false],
    ["garbage", false],
  ])("%s -> 304: %s", (header, expected) => {
    expect(notModified(header, 3)).toBe(expected);
  });
});
