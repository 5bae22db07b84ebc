import { ScimError } from "../../src/scim/errors";

/** Runs `fn`, which must throw a ScimError, and returns that error for assertions. */
export function scimError(fn: () => unknown): ScimError {
  try {
    fn();
  } catch (e) {
    if (e instanceof ScimError) return e;
    throw e;
  }
  throw new Error("expected a ScimError");
}
