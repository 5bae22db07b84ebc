import { ScimError } from "./errors";

/** RFC 7644 section 3.14: a weak ETag built from the row's version counter. */
export const etagOf = (version: number) => `W/"${version}"`;

/** The RFC 7232 preconditions a request carries (several headers of one name arrive joined by ", "). */
export interface Preconditions {
  ifMatch?: string;
  ifNoneMatch?: string;
}

export const preconditionsOf = (headers: Headers): Preconditions => ({
  ifMatch: headers.get("If-Match") ?? undefined,
  ifNoneMatch: headers.get("If-None-Match") ?? undefined,
});

/**
 * One element of an entity-tag list (RFC 7232 section 2.3, `[W/]"opaque"`) and its comma;
 * empty elements are allowed (RFC 7230 section 7). Written by hand: Hono's etag middleware compares body digests
 * for If-None-Match only.
 */
const ELEMENT = /[ \t]*(?:(?:W\/)?"([\x21\x23-\x7e\x80-\xff]*)")?[ \t]*(?:,|$)/y;

/** `*`, the opaque tags of an entity-tag list, or undefined when the header is neither. */
function parseTags(header: string): "*" | string[] | undefined {
  if (header.trim() === "*") return "*";
  const tags: string[] = [];
  for (let i = 0; i < header.length;) {
    ELEMENT.lastIndex = i;
    const m = ELEMENT.exec(header);
    if (!m || m[0].length === 0) return undefined;
    if (m[1] !== undefined) tags.push(m[1]);
    i = ELEMENT.lastIndex;
  }
  return tags.length > 0 ? tags : undefined;
}

/**
 * RFC 7232 sections 3.1, 3.2 and 6 for a write to an existing resource: If-Match holds when any
 * tag of its list is the current version or it is `*`; If-None-Match fails when any tag is, or
 * when it is `*` (PUT never creates a resource here, so `*` always fails). Comparison is weak
 * (`"3"` matches `W/"3"`): RFC 7232 asks If-Match for a strong one, but SCIM's version ETags are
 * weak (RFC 7644 section 3.14) and clients send them back as they got them. A header that is not
 * a valid list (`W/"1", *`, bare words) cannot hold and answers 412 too: the client asked for a
 * condition, and it is never dropped.
 */
export function checkPreconditions(p: Preconditions | undefined, version: number): void {
  const current = etagOf(version);
  const matches = (header: string) => {
    const tags = parseTags(header);
    return tags === undefined ? undefined : tags === "*" || tags.includes(String(version));
  };
  if (p?.ifMatch !== undefined) {
    const m = matches(p.ifMatch);
    if (m === undefined) throw precondition(`If-Match is not "*" or a list of entity tags such as ${current}.`);
    if (!m) throw precondition(`The resource has changed: its current version is ${current}.`);
  }
  if (p?.ifNoneMatch !== undefined) {
    const m = matches(p.ifNoneMatch);
    if (m === undefined) throw precondition(`If-None-Match is not "*" or a list of entity tags such as ${current}.`);
    if (m) {
      throw precondition(
        p.ifNoneMatch.trim() === "*"
          ? "If-None-Match: * holds only where no resource exists, and this one does (PUT does not create resources here)."
          : `If-None-Match names the current version ${current}.`,
      );
    }
  }
}

/** RFC 7232 section 3.2: a GET whose If-None-Match names the current version (or is `*`) is answered 304. */
export function notModified(ifNoneMatch: string | undefined, version: number): boolean {
  if (ifNoneMatch === undefined) return false;
  const tags = parseTags(ifNoneMatch);
  return tags === "*" || (tags !== undefined && tags.includes(String(version)));
}

const precondition = (detail: string) => new ScimError(412, detail);

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
