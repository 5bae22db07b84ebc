/**
 * Every size an outsider controls, in one place (docs/scim-reference.md, "Input rules and limits"). Beyond a limit the request is
 * refused with 400 (413 for the body) and the limit named in the detail; nothing is truncated
 * silently, except the audit detail, which is ours.
 */

/** A PATCH adding 10,000 members (~50 bytes each) fits; RFC 7644 3.1 lets a server answer 413 beyond. */
export const MAX_BODY_BYTES = 2 * 1024 * 1024;

/** Twice Entra's longest directory string (streetAddress, 1,024 characters): a 1.5 MB userName is refused. */
export const MAX_STRING_CHARS = 2048;

/**
 * Values of one multi-valued attribute of a user (emails, phoneNumbers, addresses, ...); Entra
 * sends a handful. Group members are not counted here: one PATCH may add 10,000 (MAX_BODY_BYTES bounds them).
 */
export const MAX_VALUES_PER_ATTRIBUTE = 100;

/**
 * Custom attributes per tenant (P18). Entra writes at most 100 extension attributes to one
 * object; each one costs every request of the tenant (schemas, lookups), so the list stays short.
 */
export const MAX_CUSTOM_ATTRIBUTES = 100;

/** Attributes of one import row, and LDAP attributes of one row (P25: each may become a custom attribute). */
export const MAX_IMPORT_ROW_ATTRIBUTES = MAX_CUSTOM_ATTRIBUTES;

/** An audit entry's detail, as JSON (P23): a refusal never copies a client's 60 KB into the log. */
export const MAX_AUDIT_DETAIL_CHARS = 4096;

/** A value quoted back in an error detail or an audit entry. */
export const MAX_QUOTED_CHARS = 200;

/** `"abc…"` cut to MAX_QUOTED_CHARS: errors and audit entries name a value without copying it. */
export const quote = (s: string, max = MAX_QUOTED_CHARS) =>
  s.length > max ? `${s.slice(0, max)}… (${s.length} characters)` : s;
