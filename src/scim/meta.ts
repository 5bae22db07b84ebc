import { ScimError } from "./errors";

/** RFC 7644 section 3.14: a weak ETag built from the row's version counter. */
export const etagOf = (version: number) => `W/"${version}"`;

/**
 * If-Match with a stale version is 412 (RFC 7644 3.14). `*` matches any existing resource.
 * A header we cannot parse is treated as stale rather than ignored: the client asked for a
 * precondition and we must not silently drop it.
 */
export function checkIfMatch(header: string | undefined, version: number): void {
  if (!header) return;
  const current = etagOf(version);
  const tags = header.split(",").map((t) => t.trim());
  if (tags.includes("*")) return;
  const matches = tags.some((t) => t === current || t === `"${version}"` || t.replace(/^W\//, "") === `"${version}"`);
  if (!matches) throw new ScimError(412, `The resource has changed: its current version is ${current}.`);
}

export interface MetaFields {
  resourceType: string;
  created: string;
  lastModified: string;
  location: string;
  version: number;
}

export const metaOf = (m: MetaFields) => ({
  resourceType: m.resourceType,
  created: m.created,
  lastModified: m.lastModified,
  location: m.location,
  version: etagOf(m.version),
});
