import { badRequest } from "../scim/errors";
import { isMailbox } from "../scim/mailbox";
import { type ScimDoc, isBlank, isPlainObject, normalizeResource } from "../scim/normalize";
import type { ResolvedAttr } from "../scim/resolve";
import { checkSizes } from "../scim/sizes";
import type { TenantContext } from "../tenants/context";

/** P6: these name parts may never be blank on create, migration or update. */
const REQUIRED_NAME_PARTS = ["givenName", "familyName"] as const;
const NAME_PARTS_NOT_BLANK = ["givenName", "familyName", "formatted"] as const;

/** What an admin fills in Entra for each name part (its default mappings). */
const ENTRA_SOURCE: Record<string, string> = {
  givenName: "`givenName`",
  familyName: "`surname`",
  formatted: "`givenName` and `surname` (Entra joins them into name.formatted)",
};

const p6 = (part: string) =>
  badRequest(
    "invalidValue",
    `name.${part} is blank; every user needs a given name and a family name, and a formatted name that is not blank. ` +
      `Fill ${ENTRA_SOURCE[part]} for this user in Entra, or map \`name.${part}\` from an expression with a fallback.`,
    "names-required",
  );

/** PATCH hook: a blank value for a P6 name part is refused instead of being skipped as P7 says. */
export function refuseBlankNamePart(attr: ResolvedAttr): void {
  if (attr.key === "name") throw p6("givenName");
  const part = NAME_PARTS_NOT_BLANK.find((p) => attr.key === `name.${p.toLowerCase()}`);
  if (part) throw p6(part);
}

/** P6 for an explicit request body (POST or PUT): a present-but-blank name part is refused. */
export function refuseBlankNamePartsIn(body: ScimDoc): void {
  const name = body.name as Record<string, unknown> | undefined | null;
  if (name === null) throw p6("givenName");
  if (!name || typeof name !== "object") return;
  for (const part of NAME_PARTS_NOT_BLANK) if (part in name && isBlank(name[part])) throw p6(part);
}

/** Invariants every stored user satisfies; checked after each create and update. */
export function validateUser(doc: ScimDoc): void {
  checkSizes(doc);
  if (typeof doc.userName !== "string" || doc.userName.trim() === "") {
    throw badRequest("invalidValue", "userName is required and must not be blank.");
  }
  const emails = Array.isArray(doc.emails) ? (doc.emails as Record<string, unknown>[]) : [];
  if (!emails.some((e) => typeof e?.value === "string" && e.value.trim() !== "")) {
    throw badRequest(
      "invalidValue",
      "The user has no email address, and every user needs one. In Entra's attribute mappings, " +
        'map `mail` or `userPrincipalName` to `emails[type eq "work"].value`, or give the user a mail address.',
      "email-required",
    );
  }
  emails.forEach((e, i) => {
    if (e?.value !== undefined && !isMailbox(e.value)) {
      throw badRequest(
        "invalidValue",
        `emails[${i}].value ${JSON.stringify(String(e.value).slice(0, 100))} is not one email address: ` +
          "it must be a single address such as ann@contoso.com, without a display name, a list or line breaks. " +
          "Check what Entra's attribute mappings send to emails.",
        "invalid-email",
      );
    }
  });
  const name = (doc.name ?? {}) as Record<string, unknown>;
  for (const part of REQUIRED_NAME_PARTS) if (isBlank(name[part])) throw p6(part);
}

/** P8: a suspended user cannot be provisioned. */
export function refuseSuspendedCreate(doc: ScimDoc): void {
  if (doc.active === false) {
    throw badRequest(
      "invalidValue",
      "The user is sent as disabled (active=false), and disabled users are not created here. " +
        "Enable the user in Entra, or leave it out of the provisioning scope.",
      "no-suspended-create",
    );
  }
}

/** Drops blank values (P7) recursively so that they never reach storage. */
export function withoutBlanks<T>(value: T): T {
  if (Array.isArray(value)) {
    return value.map(withoutBlanks).filter((v) => !isBlank(v) && !isEmptyObject(v)) as T;
  }
  if (value && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      const clean = withoutBlanks(v);
      if (!isBlank(clean) && !isEmptyObject(clean)) out[k] = clean;
    }
    return out as T;
  }
  return value;
}

const isEmptyObject = (v: unknown) => !!v && typeof v === "object" && !Array.isArray(v) && Object.keys(v).length === 0;

/**
 * PUT under P7 and P12: a provided, non-blank value replaces the stored one; an absent or blank
 * one leaves it as it is (Entra omits attributes whose mapping was removed, and sends blanks for
 * cleared sources: the product keeps stored values in both cases). Complex single-valued
 * attributes (name, the extension objects, manager) merge per sub-attribute; multi-valued ones
 * are replaced as a whole when a non-empty list is given.
 */
export function mergeReplace(stored: ScimDoc, incoming: ScimDoc): ScimDoc {
  const clean = withoutBlanks(incoming);
  return mergeObjects(stored, clean);
}

function mergeObjects(a: Record<string, unknown>, b: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...a };
  for (const [k, v] of Object.entries(b)) {
    const prev = out[k];
    out[k] = isPlainObject(prev) && isPlainObject(v) ? mergeObjects(prev, v) : v;
  }
  return out;
}

/** The checks every create applies (P5, P6, P8), shared with the takeover and the import. */
export function prepareNewUser(
  t: TenantContext,
  body: unknown,
  resource = t.userResource,
): { doc: ScimDoc; ignored: string[] } {
  const { doc: raw, ignored } = normalizeResource(body, resource);
  refuseBlankNamePartsIn(raw);
  const doc = withoutBlanks(raw);
  validateUser(doc);
  refuseSuspendedCreate(doc);
  doc.active = true;
  return { doc, ignored };
}
