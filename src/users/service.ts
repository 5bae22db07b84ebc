import { noteUserChange, noteUserRead } from "../activity/note";
import { UniqueViolation } from "../db/writes";
import { commit } from "../events/commit";
import { audit, invitesFor } from "../events/types";
import { ScimError, notFound } from "../scim/errors";
import { checkPreconditions, type Preconditions } from "../scim/meta";
import { type ScimDoc, normalizeResource } from "../scim/normalize";
import { applyPatch } from "../scim/patch";
import { refusePathlessOperations, refuseUnknownAttributes, refuseUnknownSchemas } from "../scim/dialect";
import { checkResourceSchemas } from "../scim/schemas-attr";
import type { TenantContext } from "../tenants/context";
import { deriveManagedAppleId, nextManagedAppleId } from "./managed-apple-id";
import type { OutboxEvent } from "../events/types";
import { rememberUser, recentUser } from "./recent";
import { findUser, findUserByNameStatement, findUserStatement, insertUserStatement, updateUserStatement } from "./repo";
import { type UserRow, rowOf } from "./row";
import { mergeReplace, prepareNewUser, refuseBlankNamePartsIn, validateUser, refuseBlankNamePart } from "./rules";
import { takeOver } from "./takeover";

/** How often a write computed from a row that changed underneath is recomputed before giving up. */
const MAX_WRITE_ATTEMPTS = 10;

export interface UserWrite {
  row: UserRow;
  /** 201 for a new user and for a takeover (P11), which answers with the existing id. */
  created: boolean;
}

/**
 * One batch (one round trip, the token check included when the gate runs it so): who
 * holds the userName, then the insert if nobody does, then the events if it went in. A taken
 * name is a 409 from SCIM (P11's own source), or a takeover, which writes in a second trip.
 */
export async function createUser(t: TenantContext, body: unknown): Promise<UserWrite> {
  checkResourceSchemas(body, t.userResource);
  refuseUnknownSchemas(t.settings.dialect, body, t.userResource);
  const { doc, ignored } = prepareNewUser(t, body);
  refuseUnknownAttributes(t.settings.dialect, ignored);
  noteUserChange(t, null, doc);
  const managedAppleId = deriveManagedAppleId(t.settings.managedAppleId, doc);
  const now = new Date().toISOString();
  const id = crypto.randomUUID();
  const events = [audit("scim", "create", "User", id, detailOf(doc, ignored)), ...invitesFor(t.settings, id)];
  const [holder, inserted] = await commit(
    t,
    [
      findUserByNameStatement(t.db, String(doc.userName)),
      insertUserStatement(t.db, { id, doc, source: "scim", managedAppleId, now }, { ifNameFree: true }),
    ],
    events,
    { ifLastChanged: true },
  );
  if (inserted.results.length === 1) {
    const row = rowOf(id, doc, "scim", 1, now, now, managedAppleId, null);
    rememberUser(t, row);
    return { row, created: true };
  }
  // P11: the userName exists. From another source it is taken over; from SCIM it is a 409.
  const existing = holder.results[0] as UserRow | undefined;
  if (!existing || existing.source === "scim") throw new UniqueViolation("users.user_name");
  const row = await takeOver(t, existing, body);
  rememberUser(t, row);
  return { row, created: true };
}

export async function replaceUser(
  t: TenantContext,
  id: string,
  body: unknown,
  pre?: Preconditions,
  current?: UserRow | null,
): Promise<UserWrite> {
  checkResourceSchemas(body, t.userResource);
  refuseUnknownSchemas(t.settings.dialect, body, t.userResource);
  const { doc: incoming, ignored } = normalizeResource(body, t.userResource);
  refuseUnknownAttributes(t.settings.dialect, ignored);
  refuseBlankNamePartsIn(incoming);
  // RFC 7644 3.5.1: PUT carries the required attributes; only optional ones fall under P7/P12.
  if (typeof incoming.userName !== "string" || incoming.userName.trim() === "") {
    throw new ScimError(400, "userName is required in a PUT request.", "invalidValue");
  }
  return {
    row: await updateUser(
      t,
      id,
      pre,
      ignored,
      (stored) => mergeReplace(stored, incoming),
      () => [],
      current,
      "PUT",
    ),
    created: false,
  };
}

export async function patchUser(
  t: TenantContext,
  id: string,
  ops: unknown,
  pre?: Preconditions,
  current?: UserRow | null,
): Promise<UserWrite> {
  if (Array.isArray(ops)) refusePathlessOperations(t.settings.dialect, ops);
  let ignored: string[] = [];
  const change = (stored: ScimDoc) => {
    const result = applyPatch(stored, ops, t.userResource, {
      onBlank: refuseBlankNamePart,
      clearBlanks: t.settings.blankValues === "clear",
    });
    refuseUnknownAttributes(t.settings.dialect, result.ignored);
    ignored = result.ignored;
    return result.doc;
  };
  const row = await updateUser(t, id, pre, [], change, () => ignored, current, "PATCH");
  return { row, created: false };
}

/** P9: DELETE from Entra suspends the user; only an admin removes a user for good. */
export async function softDeleteUser(
  t: TenantContext,
  id: string,
  pre?: Preconditions,
  current?: UserRow | null,
): Promise<UserRow> {
  return updateUser(
    t,
    id,
    pre,
    [],
    (stored) => ({ ...stored, active: false }),
    () => [],
    current,
    "DELETE",
  );
}

export async function getUser(db: D1Database, id: string): Promise<UserRow> {
  return orNotFound(await findUser(db, id), id);
}

export function orNotFound(row: UserRow | null, id: string): UserRow {
  if (!row) throw notFound(`User ${id} not found.`);
  return row;
}

/**
 * Read, compute, write-if-unchanged. A write that lost a race is recomputed from the fresh row,
 * so two concurrent PATCHes of one user both take effect (no accepted write is lost). A change
 * that leaves the document as it was is not written and keeps the version.
 *
 * The first computation may start from the row as this isolate last saw it (recent.ts)
 * when it was not read with the token check (`current`): the write then rides in one batch with
 * a read of the row, and applies only if the version is still the one computed from. A refusal,
 * a failed precondition or a no-op computed from that copy is never answered before the stored
 * row confirms it (`fresh`).
 */
async function updateUser(
  t: TenantContext,
  id: string,
  pre: Preconditions | undefined,
  ignoredUpFront: string[],
  change: (doc: ScimDoc) => ScimDoc,
  ignoredLater: () => string[],
  /** The row as read with the token check (users/routes.ts), saving the first read. */
  current: UserRow | null | undefined,
  request: UserRequest,
): Promise<UserRow> {
  let row = current === undefined ? recentUser(t, id) : current;
  let fresh = current !== undefined;
  for (let attempt = 0; attempt < MAX_WRITE_ATTEMPTS; attempt++) {
    if (row === undefined) {
      row = await findUser(t.db, id);
      fresh = true;
    }
    let planned: PlannedUpdate | null;
    try {
      planned = planUpdate(t, orNotFound(row, id), pre, ignoredUpFront, change, ignoredLater, request);
    } catch (e) {
      if (fresh || !(e instanceof ScimError)) throw e;
      row = undefined;
      continue;
    }
    if (!planned) {
      if (fresh) return row as UserRow;
      row = undefined;
      continue;
    }
    const [stored, res] = await commit(t, [findUserStatement(t.db, id), planned.update], [planned.event], {
      ifLastChanged: true,
    });
    if (res.results.length === 1) {
      rememberUser(t, planned.row);
      return planned.row;
    }
    row = (stored.results[0] as UserRow | undefined) ?? null;
    fresh = true;
  }
  throw new ScimError(409, "The user is being changed by other requests at this moment; retry the request.");
}

/** The SCIM request a user update came from (audit detail `request`, the event type derived from it). */
type UserRequest = "PUT" | "PATCH" | "DELETE";

interface PlannedUpdate {
  update: D1PreparedStatement;
  event: OutboxEvent;
  /** The row as it is once `update` applied. */
  row: UserRow;
}

/** The write that turns `row` into what `change` makes of it; null when nothing changes. */
function planUpdate(
  t: TenantContext,
  row: UserRow,
  pre: Preconditions | undefined,
  ignoredUpFront: string[],
  change: (doc: ScimDoc) => ScimDoc,
  ignoredLater: () => string[],
  request: UserRequest,
): PlannedUpdate | null {
  checkPreconditions(pre, row.version);
  const stored = { ...(JSON.parse(row.doc) as ScimDoc), active: row.active === 1 };
  noteUserRead(t, stored);
  const doc = change(stored);
  validateUser(doc);
  if (JSON.stringify(doc) === JSON.stringify(stored)) return null;
  noteUserChange(t, stored, doc);
  const managedAppleId = nextManagedAppleId(t.settings.managedAppleId, stored, doc, row.managed_apple_id);
  const now = new Date().toISOString();
  // The audit names a status change for what it is, in both directions (the events: user.deactivated / user.activated).
  const action =
    stored.active !== false && doc.active === false
      ? "disable"
      : stored.active === false && doc.active !== false
        ? "enable"
        : "update";
  const event = audit("scim", action, "User", row.id, {
    userName: doc.userName,
    ...externalIdOf(doc),
    // Which request made the change (PUT replaces, PATCH modifies, DELETE suspends) and the outcome.
    request,
    active: doc.active !== false,
    changed: changedAttributes(stored, doc),
    ...ignoredDetail([...ignoredUpFront, ...ignoredLater()]),
  });
  const w = { id: row.id, doc, version: row.version, created: row.created, source: row.source, managedAppleId, now };
  return {
    update: updateUserStatement(t.db, w),
    event,
    row: rowOf(row.id, doc, row.source, row.version + 1, row.created, now, managedAppleId, row.ldap_attributes),
  };
}

/** ExternalId rides in every user detail, so an event names the resource as the IdP knows it. */
const externalIdOf = (doc: ScimDoc) => (typeof doc.externalId === "string" ? { externalId: doc.externalId } : {});

const detailOf = (doc: ScimDoc, ignored: string[]) => ({
  userName: doc.userName,
  ...externalIdOf(doc),
  ...ignoredDetail(ignored),
});

/** P18: values for attributes the tenant has not defined are dropped, and the audit says which. */
const ignoredDetail = (ignored: string[]) => (ignored.length ? { ignoredAttributes: ignored } : {});

function changedAttributes(a: ScimDoc, b: ScimDoc): string[] {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...keys].filter((k) => JSON.stringify(a[k]) !== JSON.stringify(b[k])).sort();
}
