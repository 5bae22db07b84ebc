/**
 * Why a request failed, as a short code the health view counts, and what an admin can do about
 * it. Codes come from the product rule the error cites (every refusal by rule names it, e.g.
 * "(P5)"), else from the status and scimType.
 */
export interface FailureReason {
  title: string;
  fix: string;
}

export const FAILURE_REASONS: Record<string, FailureReason> = {
  P5: {
    title: "User without an email address (P5)",
    fix: 'In Entra\'s attribute mappings, map `mail` or `userPrincipalName` to `emails[type eq "work"].value`, or give these users a mail address.',
  },
  P6: {
    title: "Blank given name, family name or formatted name (P6)",
    fix: "Fill givenName and surname for these users in Entra, or map `name.givenName` / `name.familyName` from an expression with a fallback.",
  },
  P8: {
    title: "User sent as disabled on creation (P8)",
    fix: "Suspended users are not provisioned: enable the user in Entra, or leave it out of the provisioning scope.",
  },
  P14: {
    title: "Group member that is not a user of this tenant (P14)",
    fix: "Only users are provisioned as members (no nested groups): assign the users directly, and provision them before their groups.",
  },
  P15: {
    title: "Group name already used by another group, e.g. an LDAP or local group (P15)",
    fix: "Rename the group in Entra or the existing one here, or remove the old LDAP/local group; names are unique across sources.",
  },
  P16: {
    title: 'Change to the built-in "All Users" group (P16)',
    fix: 'Do not provision a group named "All Users"; rename the Entra group.',
  },
  P21: {
    title: "Managed Apple ID already another user's (P21)",
    fix: "Two users would get the same managed Apple ID: fix the source attribute (email or the chosen custom attribute) of one of them.",
  },
  "user-exists": {
    title: "userName already provisioned (409)",
    fix: "Entra did not find the user by its matching attribute: make the matching attribute the one mapped to userName, or clear the stale assignment.",
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
    fix: "Check custom attribute names: define them here first (P18).",
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

export function failureReason(status: number, scimType: string | null, detail: string | null): string | null {
  if (status < 400) return null;
  if (status >= 500) return "server-error";
  const rule = /\(P(\d+)\)/.exec(detail ?? "")?.[0].slice(1, -1);
  if (rule && FAILURE_REASONS[rule]) return rule;
  if (status === 404) return "not-found";
  if (status === 412) return "precondition";
  if (status === 413) return "too-large";
  if (status === 409) return scimType === "uniqueness" && /userName/.test(detail ?? "") ? "user-exists" : "conflict";
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
