import { ScimError } from "../scim/errors";

/** The admin API reuses ScimError as its one error type; http/respond.ts renders it as admin JSON. */
export const adminError = (status: number, message: string) => new ScimError(status, message);
