import { describe, expect, it } from "vitest";
import { isMailbox } from "../../src/scim/mailbox";

describe("an email value is one RFC 5321 mailbox", () => {
  it.each([
    "ann@contoso.com",
    "Ann.Lee+tag@mail.contoso.co.jp",
    "o'brien@x.com",
    '"ann lee"@contoso.com',
    "user@[192.0.2.1]",
    "user@[IPv6:2001:db8::1]",
    "a@x",
    "山田@例え.jp",
  ])("accepts %s", (v) => expect(isMailbox(v)).toBe(true));

  it.each([
    ["a header injection", "a@x.com\r\nBcc: b@y.com"],
    ["a list", "a@x.com, b@y.com"],
    ["a list without space", "a@x.com,b@y.com"],
    ["a display name", "Ann <ann@x.com>"],
    ["words", "not an address"],
    ["no local part", "@x.com"],
    ["no domain", "ann@"],
    ["two @", "a@b@x.com"],
    ["a leading dot", ".ann@x.com"],
    ["two dots", "ann..lee@x.com"],
    ["a space", "ann lee@x.com"],
    ["a NUL", "ann\u0000@x.com"],
    ["a tab in quotes", '"a\tb"@x.com'],
    ["a lone surrogate", "a\ud800@x.com"],
    ["a hyphen at a label's end", "ann@x-.com"],
    ["a local part over 64 octets", `${"a".repeat(65)}@x.com`],
    ["a mailbox over 254 octets", `a@${"b".repeat(60)}.${"c".repeat(60)}.${"d".repeat(60)}.${"e".repeat(70)}.com`],
    ["not a string", 42],
  ])("refuses %s", (_, v) => expect(isMailbox(v)).toBe(false));
});
