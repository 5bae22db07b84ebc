import { ScimError } from "../scim/errors";
import type { Reason } from "../scim/reasons";

/** An admin error that concerns one input field, so the console can show it beside that field. */
export class FieldError extends ScimError {
  constructor(
    status: number,
    message: string,
    readonly field: string,
    reason?: Reason,
  ) {
    super(status, message, undefined, reason);
  }
}

/**
 * The admin API reuses ScimError as its one error type; http/respond.ts renders it as admin JSON.
 * `reason` is the product rule's short name when a rule refused the request (scim/reasons.ts).
 */
export const adminError = (status: number, message: string, field?: string, reason?: Reason) =>
  field ? new FieldError(status, message, field, reason) : new ScimError(status, message, undefined, reason);

/** Too soon: 429 with Retry-After (RFC 9110 §10.2.3), which http/respond.ts sets from `retryAfterSeconds`. */
export class TooSoon extends ScimError {
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super(429, message);
  }
}
