import { attr, str } from "./define";
import type { AttrDef } from "./types";

/** RFC 7643 section 3.1: attributes every resource has, outside any schema's attribute list. */
export const COMMON_ATTRIBUTES: AttrDef[] = [
  str("id", "Unique identifier for the resource, assigned by the service provider.", {
    caseExact: true,
    mutability: "readOnly",
    returned: "always",
    uniqueness: "server",
  }),
  str("externalId", "Identifier of the resource as defined by the provisioning client.", { caseExact: true }),
  attr("meta", "complex", "Resource metadata.", {
    mutability: "readOnly",
    subAttributes: [
      str("resourceType", "The name of the resource type.", { caseExact: true, mutability: "readOnly" }),
      attr("created", "dateTime", "When the resource was added.", { mutability: "readOnly" }),
      attr("lastModified", "dateTime", "When the resource was last updated.", { mutability: "readOnly" }),
      attr("location", "reference", "The URI of the resource.", {
        mutability: "readOnly",
        caseExact: true,
        referenceTypes: ["uri"],
      }),
      str("version", "The version (ETag) of the resource.", { caseExact: true, mutability: "readOnly" }),
    ],
  }),
];
