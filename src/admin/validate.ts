import { zValidator } from "@hono/zod-validator";
import type { Context, ValidationTargets } from "hono";
import type { z } from "zod";
import { refuseLoneSurrogates } from "../http/body";
import { type ErrorRenderer, renderAdminError } from "../http/respond";
import { ScimError } from "../scim/errors";
import { mayHoldLoneSurrogate } from "../scim/well-formed";

/** RFC 6839: application/json and any `+json` type (a charset parameter is fine). */
const JSON_TYPE = /^application\/([a-z0-9.+-]+\+)?json$/;

/**
 * A body of the wrong or no Content-Type would reach Hono's json validator as `{}` and pass as
 * an empty request: it is refused with 415 instead, before anything is read.
 */
function requireJson(c: Context): void {
  const type = c.req.header("Content-Type")?.split(";")[0].trim().toLowerCase() ?? "";
  if (!JSON_TYPE.test(type)) {
    throw new ScimError(
      415,
      `${type ? `Content-Type "${type.slice(0, 100)}" is not supported` : "The Content-Type header is missing"}; send application/json.`,
    );
  }
}

/** zod validation with the admin API's error shape (or `render`'s): 400 naming each offending field. */
export const valid = <T extends z.ZodType, K extends keyof ValidationTargets>(
  target: K,
  schema: T,
  render: ErrorRenderer = renderAdminError,
) => {
  const validator = zValidator(target, schema, (result) => {
    if (!result.success) {
      const issues = result.error.issues.map((i) => `${i.path.join(".") || target}: ${i.message}`).join("; ");
      return render(new ScimError(400, `Invalid ${target}: ${issues.slice(0, 1000)}`));
    }
  });
  if (target !== "json") return validator;
  return (async (c, next) => {
    requireJson(c);
    const text = await c.req.text();
    if (mayHoldLoneSurrogate(text)) {
      // Malformed JSON is left to the validator's own answer; only a parsed value is walked.
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = undefined;
      }
      if (parsed !== undefined) refuseLoneSurrogates(text, parsed, (detail) => new ScimError(400, detail));
    }
    return validator(c, next);
  }) as typeof validator;
};
