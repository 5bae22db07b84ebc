import { ScimError } from "../scim/errors";
import type { Reason } from "../scim/reasons";

/**
 * The unique constraints a client can run into, by the tag SQLite names them with (`table.column`
 * of the unique index or primary key), and the conflict each one is. Unique indexes are the last
 * word on uniqueness (no check-then-insert race), so every violation, whichever write path hit
 * it, is the same 409 `uniqueness`.
 */
const UNIQUE_CONFLICTS = {
  "users.user_name": ["A user with this userName already exists.", "user-exists"],
  "users.managed_apple_id": [
    "The managed Apple ID this user would get is already another user's. Correct the email address or custom attribute it comes from for one of the two users.",
    "managed-apple-id",
  ],
  "groups.display_name": [
    "A group with this displayName already exists here, from Entra or another source such as LDAP or a local group; group names are unique. Rename the group in Entra, or the existing one.",
    "unique-group-names",
  ],
  "custom_attributes.name": ["A custom attribute with this name already exists.", "custom-attributes"],
} as const satisfies Record<string, readonly [string, Reason]>;

export type UniqueTag = keyof typeof UNIQUE_CONFLICTS;

/** A write refused by a unique constraint; callers that handle one case (P11's takeover) test the tag. */
export class UniqueViolation extends ScimError {
  constructor(readonly tag: UniqueTag) {
    super(409, UNIQUE_CONFLICTS[tag][0], "uniqueness", UNIQUE_CONFLICTS[tag][1]);
  }
}

/**
 * D1 reports which constraint failed only in its message (`UNIQUE constraint failed: users.user_name`),
 * so it is read there once, into a tag; nothing else ever looks at the text.
 */
const UNIQUE_FAILED = /UNIQUE constraint failed: ([A-Za-z_]+\.[A-Za-z_]+)/;

const tagOf = (e: unknown): UniqueTag | undefined => {
  const tag = UNIQUE_FAILED.exec(String((e as Error)?.message ?? e))?.[1];
  return tag !== undefined && Object.hasOwn(UNIQUE_CONFLICTS, tag) ? (tag as UniqueTag) : undefined;
};

/**
 * Runs statements as one D1 batch (a transaction), a unique violation becoming its
 * UniqueViolation. The batch runner of events/commit.ts, which every write with events uses.
 */
export async function runWrites(db: D1Database, statements: D1PreparedStatement[]): Promise<D1Result[]> {
  try {
    return await db.batch(statements);
  } catch (e) {
    const tag = tagOf(e);
    throw tag ? new UniqueViolation(tag) : e;
  }
}
