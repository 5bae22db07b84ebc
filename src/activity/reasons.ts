import type { Reason } from "../scim/reasons";

/**
 * Why a request failed, as a short code the health view counts, and what an admin can do about
 * it. The code is the one the error was raised with (scim/reasons.ts: a product rule's short
 * name, or `user-exists`), else it comes from the status and scimType; never from the text.
 */
export interface FailureReason {
  title: string;
  fix: string;
}

export const FAILURE_REASONS: Record<string, FailureReason> = {
  "email-required": {
    title: "User without an email address",
    fix: 'In Entra\'s attribute mappings, map `mail` or `userPrincipalName` to `emails[type eq "work"].value`, or give these users a mail address.',
  },
  "names-required": {
    title: "Blank given name, family name or formatted name",
    fix: "Fill givenName and surname for these users in Entra, or map `name.givenName` / `name.familyName` from an expression with a fallback.",
  },
  "no-suspended-create": {
    title: "User sent as disabled on creation",
    fix: "Suspended users are not provisioned: enable the user in Entra, or leave it out of the provisioning scope.",
  },
  "users-only-members": {
    title: "Group member that is not a user of this tenant",
    fix: "Only users are provisioned as members (no nested groups): assign the users directly, and provision them before their groups.",
  },
  "unique-group-names": {
    title: "Group name already used by another group, e.g. an LDAP or local group",
    fix: "Rename the group in Entra or the existing one here, or remove the old LDAP/local group; names are unique across sources.",
  },
  "all-users-group": {
    title: 'Change to the built-in "All Users" group',
    fix: 'Do not provision a group named "All Users"; rename the Entra group.',
  },
  "managed-apple-id": {
    title: "Managed Apple ID already another user's, or not an email address",
    fix: "Two users would get the same managed Apple ID, or the chosen custom attribute is not an email address: fix the source attribute (email or the chosen custom attribute) of the user.",
  },
  "invalid-email": {
    title: "Email value that is not one address",
    fix: 'Map a single mail address (`mail` or `userPrincipalName`) to `emails[type eq "work"].value`: no display name, no list, no line breaks.',
  },
  "user-exists": {
    title: "userName already provisioned (409)",
    fix: "Entra did not find the user by its matching attribute: make the matching attribute the one mapped to userName, or clear the stale assignment.",
  },
  "tenant-suspended": {
    title: "Tenant suspended by the service provider (403)",
    fix: "Provisioning is refused until the provider resumes the tenant; the data is kept. Contact the provider.",
  },
  "not-found": {
    title: "Resource not found (404)",
    fix: "Entra refers to a user or group no longer here (removed by an admin): restart provisioning in Entra to create it again.",
  },
  "invalid-filter": {
    title: "Filter not understood (invalidFilter)",
    fix: "Check the matching attribute in Entra's mappings: it must be an attribute of the SCIM schema.",
  },
  "invalid-value": {
    title: "Attribute value refused (invalidValue)",
    fix: "The detail names the attribute: fix its mapping or its value in Entra.",
  },
  "invalid-syntax": {
    title: "Malformed request (invalidSyntax)",
    fix: "The client sent a body this service cannot read; the detail says where.",
  },
  "invalid-path": {
    title: "PATCH path not understood (invalidPath/noTarget)",
    fix: "Check custom attribute names: define them on the Custom attributes page first.",
  },
  precondition: {
    title: "Changed by someone else (412)",
    fix: "Nothing to do: Entra retries with the current version.",
  },
  "too-large": { title: "Request too large (413)", fix: "Split the change; members are best added in batches." },
  conflict: { title: "Concurrent change (409)", fix: "Nothing to do: Entra retries the request." },
  "server-error": {
    title: "Service error (5xx)",
    fix: "Entra retries; if it persists, report it with the activity record's id.",
  },
  other: { title: "Other client error", fix: "See the detail of the failing requests." },
};

/** Codes stored before reasons were set where raised (records live up to a year): the rule they named. */
const LEGACY_REASONS: Record<string, string> = {
  P5: "email-required",
  P6: "names-required",
  P8: "no-suspended-create",
  P14: "users-only-members",
  P15: "unique-group-names",
  P16: "all-users-group",
  P21: "managed-apple-id",
};

/** The current code of a stored one. */
export const currentReason = (code: string) => (Object.hasOwn(LEGACY_REASONS, code) ? LEGACY_REASONS[code] : code);

/** The stored codes a current code stands for, for filtering records by reason. */
export const storedReasons = (code: string) => [
  code,
  ...Object.keys(LEGACY_REASONS).filter((k) => LEGACY_REASONS[k] === code),
];

export const reasonInfo = (code: string): FailureReason | undefined => {
  const c = currentReason(code);
  return Object.hasOwn(FAILURE_REASONS, c) ? FAILURE_REASONS[c] : undefined;
};

export function failureReason(status: number, scimType: string | null, reason: Reason | null): string | null {
  if (status < 400) return null;
  if (status >= 500) return "server-error";
  if (reason && Object.hasOwn(FAILURE_REASONS, reason)) return reason;
  if (status === 404) return "not-found";
  if (status === 412) return "precondition";
  if (status === 413) return "too-large";
  if (status === 409) return "conflict";
  switch (scimType) {
    case "invalidFilter":
      return "invalid-filter";
    case "invalidValue":
      return "invalid-value";
    case "invalidSyntax":
      return "invalid-syntax";
    case "invalidPath":
    case "noTarget":
      return "invalid-path";
    default:
      return "other";
  }
}
