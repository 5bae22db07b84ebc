import type { Reason } from "./reasons";

/**
 * The one error type of the service. Everything a client can cause ends as a ScimError and is
 * rendered by `renderScimError` as an RFC 7644 section 3.12 Error body.
 */
export type ScimType =
  | "invalidFilter"
  | "tooMany"
  | "uniqueness"
  | "mutability"
  | "invalidSyntax"
  | "invalidPath"
  | "noTarget"
  | "invalidValue"
  | "invalidVers"
  | "sensitive"
  /** RFC 9865 section 2.4: cursor pagination. */
  | "invalidCursor"
  | "expiredCursor"
  | "invalidCount";

export const SCIM_ERROR_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:Error";

export class ScimError extends Error {
  constructor(
    readonly status: number,
    readonly detail: string,
    readonly scimType?: ScimType,
    /** Why, as a code for the activity log and the console (reasons.ts); not on the wire. */
    readonly reason?: Reason,
  ) {
    super(detail);
    this.name = "ScimError";
  }

  toJSON(): Record<string, unknown> {
    return {
      schemas: [SCIM_ERROR_SCHEMA],
      status: String(this.status),
      ...(this.scimType ? { scimType: this.scimType } : {}),
      detail: this.detail,
    };
  }
}

export const badRequest = (scimType: ScimType, detail: string, reason?: Reason) =>
  new ScimError(400, detail, scimType, reason);
export const notFound = (detail: string) => new ScimError(404, detail);
export const conflict = (detail: string, reason?: Reason) => new ScimError(409, detail, "uniqueness", reason);
