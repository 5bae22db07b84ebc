import type { ScimDoc } from "../scim/normalize";
import type { TenantContext } from "../tenants/context";

/**
 * What a service knew about the user a request concerned: the document before and after the
 * change. Kept by reference (no work on the request's path); the record's "Modified
 * properties" are computed from it after the response (changes.ts).
 */
export interface ActivityNote {
  before: ScimDoc | null;
  after: ScimDoc | null;
}

// Keyed by the request's TenantContext, so nothing outlives the request and no shared type changes.
const notes = new WeakMap<TenantContext, ActivityNote>();

/** The user as stored when the request read it. */
export function noteUserRead(t: TenantContext, before: ScimDoc): void {
  notes.set(t, { before, after: null });
}

/** The user as the request left it (`before` null: created). */
export function noteUserChange(t: TenantContext, before: ScimDoc | null, after: ScimDoc): void {
  notes.set(t, { before, after });
}

export const noteOf = (t: TenantContext | undefined): ActivityNote | undefined => (t ? notes.get(t) : undefined);
