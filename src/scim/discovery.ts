import { BULK_MAX_OPERATIONS, BULK_MAX_PAYLOAD_BYTES } from "./bulk-request";
import { CURSOR_TIMEOUT_SECONDS } from "./cursor";
import type { Dialect } from "./dialect";
import { DEFAULT_PAGE_SIZE, listResponse, MAX_PAGE_SIZE } from "./list";
import type { ResourceSchema, SchemaDef } from "./schema/types";

/** RFC 7643 section 5: exactly what is supported, and what is not (password change). */
export function serviceProviderConfig(baseUrl: string, dialect: Dialect = "entra") {
  return {
    schemas: ["urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig"],
    // draft-zollner-scim-interop-profile: claimed only where its refusals apply (dialect.ts).
    ...(dialect === "strict" ? { interopProfileConformant: true } : {}),
    documentationUri:
      "https://learn.microsoft.com/entra/identity/app-provisioning/use-scim-to-provision-users-and-groups",
    patch: { supported: true },
    // RFC 7644 3.7 (bulk/): maxPayloadSize is also the body limit every request has.
    bulk: { supported: true, maxOperations: BULK_MAX_OPERATIONS, maxPayloadSize: BULK_MAX_PAYLOAD_BYTES },
    filter: { supported: true, maxResults: MAX_PAGE_SIZE },
    changePassword: { supported: false },
    sort: { supported: true },
    // RFC 9865 section 4: cursors beside index paging, which stays the default.
    pagination: {
      cursor: true,
      index: true,
      defaultPaginationMethod: "index",
      defaultPageSize: DEFAULT_PAGE_SIZE,
      maxPageSize: MAX_PAGE_SIZE,
      cursorTimeout: CURSOR_TIMEOUT_SECONDS,
    },
    etag: { supported: true },
    authenticationSchemes: [
      {
        type: "oauthbearertoken",
        name: "OAuth Bearer Token",
        description: "The tenant's Secret Token, sent as `Authorization: Bearer <token>`.",
        primary: true,
      },
      {
        // RFC 6749 §4.4 client credentials (or an RFC 7523 assertion) at the tenant's token endpoint.
        type: "oauth2",
        name: "OAuth 2.0 Client Credentials",
        description: `Access tokens from ${baseUrl.replace(/\/scim\/v2$/, "")}/oauth/token (grant_type=client_credentials), sent as \`Authorization: Bearer <token>\`.`,
        specUri: "https://www.rfc-editor.org/rfc/rfc6749",
        primary: false,
      },
    ],
    meta: { resourceType: "ServiceProviderConfig", location: `${baseUrl}/ServiceProviderConfig` },
  };
}

export function resourceTypeOf(rs: ResourceSchema, baseUrl: string) {
  return {
    schemas: ["urn:ietf:params:scim:schemas:core:2.0:ResourceType"],
    id: rs.name,
    name: rs.name,
    endpoint: rs.endpoint,
    description: rs.core.description,
    schema: rs.core.id,
    schemaExtensions: rs.extensions.map((e) => ({ schema: e.id, required: false })),
    meta: { resourceType: "ResourceType", location: `${baseUrl}/ResourceTypes/${rs.name}` },
  };
}

export function schemaOf(s: SchemaDef, baseUrl: string) {
  return {
    schemas: ["urn:ietf:params:scim:schemas:core:2.0:Schema"],
    id: s.id,
    name: s.name,
    description: s.description,
    attributes: s.attributes,
    meta: { resourceType: "Schema", location: `${baseUrl}/Schemas/${s.id}` },
  };
}

export const resourceTypeList = (resources: ResourceSchema[], baseUrl: string) =>
  listResponse(
    resources.map((r) => resourceTypeOf(r, baseUrl)),
    resources.length,
    1,
  );

export const schemaList = (schemas: SchemaDef[], baseUrl: string) =>
  listResponse(
    schemas.map((s) => schemaOf(s, baseUrl)),
    schemas.length,
    1,
  );
