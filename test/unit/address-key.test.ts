import { describe, expect, it } from "vitest";
import { addressKey } from "../../src/http/auth-failures";

describe("rate-limit key of a client address", () => {
  it("keeps an IPv4 address, also when IPv4-mapped", () => {
    expect(addressKey("203.0.113.9")).toBe("203.0.113.9");
    expect(addressKey("::ffff:203.0.113.9")).toBe("203.0.113.9");
  });

  it("counts an IPv6 address as its /64, however it is written", () => {
    const key = "2001:db8:0:1::/64";
    for (const ip of [
      "2001:db8:0:1::1",
      "2001:0db8:0000:0001:ffff:ffff:ffff:ffff",
      "2001:DB8::1:0:0:0:5",
      "2001:db8:0:1:0:0:0:0",
    ]) {
      expect(addressKey(ip), ip).toBe(key);
    }
    expect(addressKey("2001:db8:0:2::1")).not.toBe(key);
    expect(addressKey("::1")).toBe("0:0:0:0::/64");
  });

  it("keeps what is not an address as sent (bounded), never throws", () => {
    for (const junk of ["", "not an ip", "1:2:3", ":::", "g::1", "x".repeat(500)]) {
      expect(addressKey(junk).length).toBeLessThanOrEqual(45);
    }
  });
});
