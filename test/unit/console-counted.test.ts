import { describe, expect, it } from "vitest";
import { counted } from "../../src/console/ui";

describe("console counts", () => {
  it.each([
    [0, "0 users"],
    [1, "1 user"],
    [2, "2 users"],
    [50_000, "50,000 users"],
  ])("%i -> %s", (n, text) => expect(counted(n, "user")).toBe(text));
});
