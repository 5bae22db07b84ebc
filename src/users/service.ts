import { ScimError, notFound } from "../scim/errors";
import { checkIfMatch } from "../scim/meta";
import { type ScimDoc, normalizeResource } from "../scim/normalize";
import { applyPatch } from "../scim/patch";
import { USER_RESOURCE } from "../scim/schema/resources";
import { findUser, insertUserStatement, runWrites, updateUserStatement } from "./repo";
import { type UserRow, userColumns } from "./row";
import {
  mergeReplace,
  refuseBlankNamePart,
  refuseBlankNamePartsIn,
  refuseSuspendedCreate,
  validateUser,
  withoutBlanks,
} from "./rules";

/** How often a write computed from a row that changed underneath is recomputed before giving up. */
const MAX_WRITE_ATTEMPTS = 10;

export interface UserWrite {
  row: UserRow;
  /** Attributes the request carried that this tenant does not define (audited, P18). */
  ignored: string[];
}

export async function createUser(db: D1Database, body: unknown): Promise<UserWrite> {
  const { doc: raw, ignored } = normalizeResource(body, USER_RESOURCE);
  refuseBlankNamePartsIn(raw);
  const doc = withoutBlanks(raw);
  validateUser(doc);
  refuseSuspendedCreate(doc);
  doc.active = true;
  const now = new Date().toISOString();
  const id = crypto.randomUUID();
  await runWrites(db, [insertUserStatement(db, { id, doc, source: "scim", now })]);
  return { row: rowOf(id, doc, "scim", 1, now, now), ignored };
}

export async function replaceUser(db: D1Database, id: string, body: unknown, ifMatch?: string): Promise<UserWrite> {
  const { doc: incoming, ignored } = normalizeResource(body, USER_RESOURCE);
  refuseBlankNamePartsIn(incoming);
  // RFC 7644 3.5.1: PUT carries the required attributes; only optional ones fall under P7/P12.
  if (typeof incoming.userName !== "string" || incoming.userName.trim() === "") {
    throw new ScimError(400, "userName is required in a PUT request.", "invalidValue");
  }
  const row = await updateUser(db, id, ifMatch, (stored) => mergeReplace(stored, incoming));
  return { row, ignored };
}

export async function patchUser(db: D1Database, id: string, ops: unknown, ifMatch?: string): Promise<UserWrite> {
  let ignored: string[] = [];
  const row = await updateUser(db, id, ifMatch, (stored) => {
    const result = applyPatch(stored, ops, USER_RESOURCE, { onBlank: refuseBlankNamePart });
    ignored = result.ignored;
    return result.doc;
  });
  return { row, ignored };
}

/** P9: DELETE from Entra suspends the user; only an admin removes a user for good. */
export async function softDeleteUser(db: D1Database, id: string, ifMatch?: string): Promise<UserRow> {
  return updateUser(db, id, ifMatch, (stored) => ({ ...stored, active: false }));
}

export async function getUser(db: D1Database, id: string): Promise<UserRow> {
  const row = await findUser(db, id);
  if (!row) throw notFound(`User ${id} not found.`);
  return row;
}

/**
 * Read, compute, write-if-unchanged. A write that lost a race is recomputed from the fresh row,
 * so two concurrent PATCHes of one user both take effect (no accepted write is lost). A change
 * that leaves the document as it was is not written and keeps the version.
 */
async function updateUser(db: D1Database, id: string, ifMatch: string | undefined, change: (doc: ScimDoc) => ScimDoc): Promise<UserRow> {
  for (let attempt = 0; attempt < MAX_WRITE_ATTEMPTS; attempt++) {
    const row = await getUser(db, id);
    checkIfMatch(ifMatch, row.version);
    const stored = { ...(JSON.parse(row.doc) as ScimDoc), active: row.active === 1 };
    const doc = change(stored);
    validateUser(doc);
    if (JSON.stringify(doc) === JSON.stringify(stored)) return row;
    const now = new Date().toISOString();
    const [res] = await runWrites(db, [updateUserStatement(db, { id, doc, version: row.version, source: row.source, now })]);
    if (res.results.length === 1) return rowOf(id, doc, row.source, row.version + 1, row.created, now);
  }
  throw new ScimError(409, "The user is being changed by other requests at this moment; retry the request.");
}

function rowOf(id: string, doc: ScimDoc, source: UserRow["source"], version: number, created: string, lastModified: string): UserRow {
  return { id, ...userColumns(doc), source, doc: JSON.stringify(doc), version, created, last_modified: lastModified };
}
