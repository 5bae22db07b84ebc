/**
 * SCIM clients spell endpoint names in any case: Microsoft's reference collection requests
 * `/users`, and its reference server answers. Resource names in SCIM are case-insensitive in
 * practice, ids are not, so only the endpoint segment right after the SCIM base is rewritten.
 */
const ENDPOINTS = [
  "Users",
  "Groups",
  "Schemas",
  "ResourceTypes",
  "ServiceProviderConfig",
  "serviceConfiguration",
  ".search",
];
const BY_LOWER = new Map(ENDPOINTS.map((e) => [e.toLowerCase(), e]));
const SCIM_BASE = /^(\/t\/[^/]+\/scim\/v2\/)([^/?]+)(\/\.search)?/i;

export function canonicalScimRequest(req: Request): Request {
  // Cheap test first: almost every request already uses the canonical names.
  if (!/\/scim\/v2\/(?!(Users|Groups|Schemas|ResourceTypes|ServiceProviderConfig)(\/|\?|$))/.test(req.url)) return req;
  const url = new URL(req.url);
  const m = SCIM_BASE.exec(url.pathname);
  if (!m) return req;
  const endpoint = BY_LOWER.get(m[2].toLowerCase());
  const search = m[3] ? "/.search" : "";
  if (!endpoint || (endpoint === m[2] && search === (m[3] ?? ""))) return req;
  url.pathname = m[1] + endpoint + search + url.pathname.slice(m[0].length);
  return new Request(url, req);
}
