/**
 * Why a request was refused, as a code set where it is refused (never parsed back out of the
 * detail text, whose wording is free to change). A refusal by a product rule carries the rule's
 * short name from docs/product-rules.md; the activity log, the health view and the console
 * count and explain failures by this code.
 */
export const RULE_REASONS = [
  /** P5 */ "email-required",
  /** P6 */ "names-required",
  /** P8 */ "no-suspended-create",
  /** P14 */ "users-only-members",
  /** P15 */ "unique-group-names",
  /** P16 */ "all-users-group",
  /** P18 */ "custom-attributes",
  /** P21 */ "managed-apple-id",
  /** P24 */ "entra-user-source-migration",
] as const;

/** Refusals that are not a product rule but still have one cause an admin can act on. */
export const OTHER_REASONS = ["user-exists", "invalid-email", "tenant-suspended"] as const;

export type RuleReason = (typeof RULE_REASONS)[number];
export type Reason = RuleReason | (typeof OTHER_REASONS)[number];
