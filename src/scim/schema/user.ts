import { attr, multiValued, str } from "./define";
import type { SchemaDef } from "./types";

export const USER_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:User";
export const ENTERPRISE_SCHEMA = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";

/** RFC 7643 section 4.1, minus password and x509Certificates: we never store secrets. */
export const userSchema: SchemaDef = {
  id: USER_SCHEMA,
  name: "User",
  description: "User Account",
  attributes: [
    str(
      "userName",
      "Unique identifier for the User, compared case-insensitively. A user of another source (local, LDAP, the Entra ID user source) with the same userName is taken over: same record, its source becomes SCIM.",
      { required: true, uniqueness: "server" },
    ),
    // Required: a user without a given and a family name is refused on create and update.
    attr("name", "complex", "The components of the user's real name. Given and family name are required.", {
      required: true,
      subAttributes: [
        str("formatted", "The full name. Optional, but never blank when sent."),
        str("familyName", "The family name of the User. Required, never blank.", { required: true }),
        str("givenName", "The given name of the User. Required, never blank.", { required: true }),
        str("middleName", "The middle name(s) of the User."),
        str("honorificPrefix", "The honorific prefix(es) of the User."),
        str("honorificSuffix", "The honorific suffix(es) of the User."),
      ],
    }),
    str("displayName", "The name of the User, suitable for display to end-users."),
    str("nickName", "The casual way to address the user."),
    attr("profileUrl", "reference", "A URI pointing to the user's online profile.", { referenceTypes: ["external"] }),
    str("title", 'The user\'s title, such as "Vice President".'),
    str("userType", "Used to identify the relationship between the organization and the user."),
    str("preferredLanguage", "The User's preferred written or spoken language."),
    str("locale", "The User's default location."),
    str("timezone", "The User's time zone in the Olson format."),
    attr(
      "active",
      "boolean",
      "The User's administrative status. A user is never created disabled; DELETE suspends the user (active=false) instead of removing it.",
    ),
    // Required: a user without an email address is refused; each value is one mailbox.
    multiValued(
      "emails",
      "Email addresses for the user. At least one is required; each value is a single address (local@domain), the invitation's recipient.",
      "string",
      ["work", "home", "other"],
      { required: true, value: { required: true } },
    ),
    multiValued("phoneNumbers", "Phone numbers for the User.", "string", [
      "work",
      "home",
      "mobile",
      "fax",
      "pager",
      "other",
    ]),
    multiValued("ims", "Instant messaging addresses for the User.", "string", [
      "aim",
      "gtalk",
      "icq",
      "xmpp",
      "msn",
      "skype",
      "qq",
      "yahoo",
    ]),
    multiValued("photos", "URLs of photos of the User.", "reference", ["photo", "thumbnail"], {
      value: { referenceTypes: ["external"] },
    }),
    attr("addresses", "complex", "A physical mailing address for this User.", {
      multiValued: true,
      subAttributes: [
        str("formatted", "The full mailing address."),
        str("streetAddress", "The full street address component."),
        str("locality", "The city or locality component."),
        str("region", "The state or region component."),
        str("postalCode", "The zip code or postal code component."),
        str("country", "The country name component."),
        str("type", "A label indicating the attribute's function.", { canonicalValues: ["work", "home", "other"] }),
        attr("primary", "boolean", "Indicates the primary address."),
      ],
    }),
    attr("groups", "complex", "A list of groups to which the user belongs.", {
      multiValued: true,
      mutability: "readOnly",
      subAttributes: [
        str("value", "The identifier of the User's group.", { mutability: "readOnly", caseExact: true }),
        attr("$ref", "reference", "The URI of the corresponding Group resource.", {
          mutability: "readOnly",
          caseExact: true,
          referenceTypes: ["Group"],
        }),
        str("display", "A human-readable name.", { mutability: "readOnly" }),
        str("type", "How the membership was derived.", { mutability: "readOnly", canonicalValues: ["direct"] }),
      ],
    }),
    multiValued("entitlements", "A list of entitlements for the User.", "string", []),
    multiValued(
      "roles",
      "The User's app role assignments as Entra sends them, kept whole; the tenant's role mapping reads their values.",
      "string",
      [],
    ),
  ],
};

/** RFC 7643 section 4.3 (P17). Stored as sent; a blank value never overwrites a stored one (P7). */
export const enterpriseUserSchema: SchemaDef = {
  id: ENTERPRISE_SCHEMA,
  name: "EnterpriseUser",
  description: "Enterprise User",
  attributes: [
    str("employeeNumber", "Numeric or alphanumeric identifier assigned to a person."),
    str("costCenter", "Identifies the name of a cost center."),
    str("organization", "Identifies the name of an organization."),
    str("division", "Identifies the name of a division."),
    str("department", "Identifies the name of a department."),
    attr("manager", "complex", "The User's manager.", {
      subAttributes: [
        str("value", "The id of the SCIM resource representing the User's manager.", { caseExact: true }),
        attr("$ref", "reference", "The URI of the manager's User resource.", {
          referenceTypes: ["User"],
          caseExact: true,
        }),
        str("displayName", "The displayName of the User's manager.", { mutability: "readOnly" }),
      ],
    }),
  ],
};
