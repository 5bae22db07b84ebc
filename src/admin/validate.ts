import { zValidator } from "@hono/zod-validator";
import type { ValidationTargets } from "hono";
import type { z } from "zod";
import { adminErrorResponse } from "./errors";
import { ScimError } from "../scim/errors";

/** zod validation with the admin API's error shape: 400 naming each offending field. */
export const valid = <T extends z.ZodType, K extends keyof ValidationTargets>(target: K, schema: T) =>
  zValidator(target, schema, (result) => {
    if (!result.success) {
      const issues = result.error.issues.map((i) => `${i.path.join(".") || target}: ${i.message}`).join("; ");
      return adminErrorResponse(new ScimError(400, `Invalid ${target}: ${issues}`));
    }
  });
