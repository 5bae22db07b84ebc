import { ScimError } from "../scim/errors";

/** An admin error that concerns one input field, so the console can show it beside that field. */
export class FieldError extends ScimError {
  constructor(
    status: number,
    message: string,
    readonly field: string,
  ) {
    super(status, message);
  }
}

/** The admin API reuses ScimError as its one error type; http/respond.ts renders it as admin JSON. */
export const adminError = (status: number, message: string, field?: string) =>
  field ? new FieldError(status, message, field) : new ScimError(status, message);
