/**
 * Outbound safety, decided when an endpoint is saved and again before every send (pure): `https` only, and never a
 * host that names this machine or a private network, so an admin cannot point the Worker at an
 * internal service. Hosts are checked as written: literal addresses by range, names by what they
 * always mean (`localhost`, `.local`); a public name that resolves to a private address is left
 * to the platform (a deployed Worker's fetch reaches only the public internet).
 *
 * `allowLoopbackHttp` (var WEBHOOKS_ALLOW_LOOPBACK_HTTP="1", set by `npm start` and the tests,
 * never in wrangler.toml) lets `http://127.0.0.1:<port>/…` through, for a receiver on the same machine.
 */
export function webhookUrlProblem(raw: string, allowLoopbackHttp: boolean): string | null {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return "url is not an absolute URL.";
  }
  if (url.username || url.password) return "url must not carry a user name or password.";
  if (allowLoopbackHttp && url.protocol === "http:" && url.hostname === "127.0.0.1" && url.port !== "") return null;
  if (url.protocol !== "https:") return "url must use https.";
  const host = url.hostname.toLowerCase().replace(/\.$/, "");
  if (host === "") return "url has no host.";
  // One trailing dot is the root (`example.com.`); more, or an empty label anywhere, names nothing public.
  if (!host.startsWith("[") && host.split(".").includes("")) return `url's host ${url.hostname} has an empty label.`;
  const v4 = ipv4Of(host);
  if (v4) return privateIpv4(v4) ? `url's host ${host} is a private, loopback or link-local address.` : null;
  if (host.startsWith("[")) {
    return privateIpv6(host.slice(1, -1)) ? `url's host ${host} is a private, loopback or link-local address.` : null;
  }
  if (!host.includes(".") || /(^|\.)(localhost|local|internal|localdomain|home\.arpa)$/.test(host)) {
    return `url's host ${host} is a local name; use a public host name.`;
  }
  return null;
}

/** The URL parser has already turned 0x7f.1, 2130706433 and the like into dotted decimal. */
function ipv4Of(host: string): number[] | null {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(host);
  return m ? m.slice(1).map(Number) : null;
}

function privateIpv4([a, b]: number[]): boolean {
  return (
    a === 0 || // "this network"
    a === 10 ||
    a === 127 ||
    (a === 100 && b >= 64 && b <= 127) || // carrier-grade NAT
    (a === 169 && b === 254) || // link-local (cloud metadata services live here)
    (a === 172 && b >= 16 && b <= 31) ||
    (a === 192 && b === 168) ||
    (a === 192 && b === 0) || // IETF protocol assignments
    (a === 198 && (b === 18 || b === 19)) || // benchmarking
    a >= 224 // multicast, reserved, broadcast
  );
}

/** The URL parser gives IPv6 in its canonical compressed form (lower case, `::`, IPv4 tail as hex). */
function privateIpv6(addr: string): boolean {
  const g = groupsOf(addr);
  if (!g) return true; // not an address the parser would give: refuse rather than guess
  const [first, second] = g;
  const v4 = (hi: number, lo: number) => [hi >> 8, hi & 255, lo >> 8, lo & 255];
  if (g.slice(0, 5).every((x) => x === 0) && g[5] === 0xffff) return privateIpv4(v4(g[6], g[7])); // ::ffff:0:0/96
  return (
    g.slice(0, 6).every((x) => x === 0) || // ::/96: unspecified, loopback, IPv4-compatible
    (first & 0xfe00) === 0xfc00 || // unique local fc00::/7
    (first & 0xffc0) === 0xfe80 || // link-local fe80::/10
    (first & 0xffc0) === 0xfec0 || // site-local fec0::/10 (deprecated, still routed inside some networks)
    (first & 0xff00) === 0xff00 || // multicast
    (first === 0x64 && second === 0xff9b) || // NAT64 64:ff9b::/96 and 64:ff9b:1::/48 reach IPv4 private ranges
    (first === 0x2001 && second === 0) || // Teredo 2001::/32 tunnels to an IPv4 host
    (first === 0x2002 && privateIpv4(v4(g[1], g[2]))) || // 6to4 2002::/16 around a private IPv4
    (first === 0x100 && g[1] === 0 && g[2] === 0 && g[3] === 0) || // discard-only 100::/64
    first === 0 // ::/8 other than the above
  );
}

/** The eight 16-bit groups of an IPv6 address (`::` expanded), or null. */
function groupsOf(addr: string): number[] | null {
  const halves = addr.split("::");
  if (halves.length > 2) return null;
  const part = (text: string) =>
    text === "" ? [] : text.split(":").map((h) => (/^[0-9a-f]{1,4}$/.test(h) ? parseInt(h, 16) : NaN));
  const head = part(halves[0]);
  const tail = halves.length === 2 ? part(halves[1]) : [];
  const missing = 8 - head.length - tail.length;
  if (halves.length === 2 ? missing < 1 : missing !== 0) return null;
  const groups = [...head, ...Array<number>(halves.length === 2 ? missing : 0).fill(0), ...tail];
  return groups.some(Number.isNaN) ? null : groups;
}
