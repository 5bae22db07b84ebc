/**
 * Request bodies shaped like Entra's (compare test/worker/helpers.ts entraUser/patchOp), and the
 * stored form of a user, for bulk seeding: the row the Worker writes for the same body
 * (src/users/service.ts createUser -> src/users/repo.ts insertUserStatement, src/users/row.ts).
 */

export const USER_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:User";
export const ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
export const GROUP_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:Group";
export const PATCH_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:PatchOp";

const DEPARTMENTS = ["Sales", "Engineering", "Finance", "Support", "Marketing", "Legal", "Operations", "HR"];

/** A user's identity in a bench tenant: `<prefix><i>`, e.g. `u42`. */
export const userName = (key: string) => `bench.${key}@contoso.example`;

/** The core attributes of a user, in the order Entra sends them. */
function userAttributes(key: string, i: number): Record<string, unknown> {
  return {
    externalId: `ext-${key}`,
    userName: userName(key),
    active: true,
    displayName: `Bench User ${key}`,
    emails: [{ primary: true, type: "work", value: userName(key) }],
    name: { formatted: `Given${key} Family${i % 97}`, familyName: `Family${i % 97}`, givenName: `Given${key}` },
  };
}

/** POST /Users body. */
export function userBody(key: string, i: number): Record<string, unknown> {
  return {
    schemas: [USER_SCHEMA, ENTERPRISE],
    ...userAttributes(key, i),
    [ENTERPRISE]: { department: DEPARTMENTS[i % DEPARTMENTS.length] },
  };
}

/** The document the Worker stores for userBody(key, i): the body without `schemas`. */
export function storedUserDoc(key: string, i: number): Record<string, unknown> {
  const { schemas: _schemas, ...doc } = userBody(key, i);
  return doc;
}

export const patchOp = (...ops: unknown[]) => ({ schemas: [PATCH_SCHEMA], Operations: ops });

/** Incremental-cycle user update, alternating Entra's two PATCH dialects. */
export function userUpdatePatch(key: string, i: number, round: number): Record<string, unknown> {
  if (i % 2 === 0) {
    // aadOptscim062020: pathless replace with dotted and URN keys.
    return patchOp({
      op: "replace",
      value: {
        displayName: `Bench User ${key} r${round}`,
        "name.givenName": `Given${key}r${round}`,
        [`${ENTERPRISE}:department`]: DEPARTMENTS[(i + round) % DEPARTMENTS.length],
      },
    });
  }
  // Legacy: capitalised ops, one path each.
  return patchOp(
    { op: "Replace", path: "displayName", value: `Bench User ${key} r${round}` },
    { op: "Replace", path: "title", value: `Title ${round}` },
  );
}

/** Disable: Entra's legacy form sends the boolean as a string. */
export const disablePatch = (i: number) =>
  i % 2 === 0
    ? patchOp({ op: "Replace", path: "active", value: "False" })
    : patchOp({ op: "replace", path: "active", value: false });

export function groupBody(name: string, externalId: string): Record<string, unknown> {
  return { schemas: [GROUP_SCHEMA], displayName: name, externalId, members: [] };
}

export const addMembersPatch = (ids: string[]) =>
  patchOp({ op: "Add", path: "members", value: ids.map((value) => ({ value })) });

/** Member removal: legacy (value array) or aadOptscim062020 (one `members[value eq "id"]` op each). */
export function removeMembersPatch(ids: string[], legacy: boolean): Record<string, unknown> {
  if (legacy) return patchOp({ op: "Remove", path: "members", value: ids.map((value) => ({ value })) });
  return patchOp(...ids.map((id) => ({ op: "remove", path: `members[value eq "${id}"]` })));
}

/** Entra's query strings: `+` for spaces, quotes percent-encoded. */
export function eqFilter(attribute: string, value: string): string {
  return `filter=${attribute}+eq+%22${encodeURIComponent(value).replace(/%20/g, "+")}%22`;
}
