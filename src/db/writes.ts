import { conflict } from "../scim/errors";

/** Runs write statements as one transaction and maps constraint violations to SCIM errors. */
export async function runWrites(db: D1Database, statements: D1PreparedStatement[]): Promise<D1Result[]> {
  try {
    return await db.batch(statements);
  } catch (e) {
    throw mapConstraint(e);
  }
}

/** Unique indexes are the last word on uniqueness (no check-then-insert race); their violations become 409s. */
function mapConstraint(e: unknown): unknown {
  const msg = String((e as Error)?.message ?? e);
  if (msg.includes("UNIQUE constraint failed: users.user_name")) return conflict("A user with this userName already exists.");
  if (msg.includes("UNIQUE constraint failed: users.managed_apple_id")) {
    return conflict("The managed Apple ID this user would get is already another user's (P21).");
  }
  if (msg.includes("UNIQUE constraint failed: groups.display_name")) {
    return conflict("A group with this displayName already exists in the tenant, from any source (P15).");
  }
  return e;
}
