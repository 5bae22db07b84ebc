/**
 * One email address as RFC 5321 §4.1.2 defines a Mailbox: `Local-part "@" Domain`, nothing
 * else. No display name (`Ann <a@x.com>`), no list (`a@x.com, b@y.com`), no comment, no
 * whitespace or control characters: such a value would become an invitation's recipient, and
 * `a@x.com\r\nBcc: b@y.com` a header. UTF-8 beyond ASCII is allowed in both parts (RFC 6531).
 */

import { isLoneSurrogateFree } from "./well-formed";

/** RFC 5321 §4.5.3.1: 64 octets of local part, 255 of domain; a path of 256 leaves 254 for the mailbox. */
const MAX_LOCAL_OCTETS = 64;
const MAX_DOMAIN_OCTETS = 255;
const MAX_MAILBOX_OCTETS = 254;

/** atext (RFC 5322 §3.2.3) plus UTF8-non-ascii (RFC 6531 §3.3); dots only between atoms. */
const ATOM = "[A-Za-z0-9!#$%&'*+/=?^_`{|}~\\u0080-\\uFFFF-]+";
const DOT_STRING = new RegExp(`^${ATOM}(?:\\.${ATOM})*$`, "u");
/** qtextSMTP and quoted-pairSMTP (printable ASCII only): `"ann lee"@x.com`. */
const QUOTED_STRING = /^"(?:[\x20\x21\x23-\x5b\x5d-\x7e]|\\[\x20-\x7e])*"$/;
const LABEL = "[A-Za-z0-9\\u0080-\\uFFFF](?:[A-Za-z0-9\\u0080-\\uFFFF-]*[A-Za-z0-9\\u0080-\\uFFFF])?";
const DOMAIN = new RegExp(`^${LABEL}(?:\\.${LABEL})*$`, "u");
const IPV4 = /^\[(?:(?:25[0-5]|2[0-4]\d|1?\d?\d)\.){3}(?:25[0-5]|2[0-4]\d|1?\d?\d)\]$/;
const IPV6 = /^\[IPv6:[0-9A-Fa-f:.]+\]$/;
/** C0, DEL, C1, line and paragraph separators: never part of an address, whatever quoting. */
// eslint-disable-next-line no-control-regex -- control characters are what this refuses.
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

const octets = (s: string) => new TextEncoder().encode(s).length;

export function isMailbox(value: unknown): value is string {
  if (typeof value !== "string" || CONTROL.test(value) || !isLoneSurrogateFree(value)) return false;
  if (octets(value) > MAX_MAILBOX_OCTETS) return false;
  const at = value.lastIndexOf("@");
  if (at <= 0) return false;
  const local = value.slice(0, at);
  const domain = value.slice(at + 1);
  if (octets(local) > MAX_LOCAL_OCTETS || octets(domain) > MAX_DOMAIN_OCTETS) return false;
  if (!DOT_STRING.test(local) && !QUOTED_STRING.test(local)) return false;
  return DOMAIN.test(domain) || IPV4.test(domain) || IPV6.test(domain);
}
