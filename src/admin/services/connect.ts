import { type ConnectionFacts, COUNT_CAP, connectionFacts, hasConnected } from "../../activity/connection";
import { type MappingAdvice, EMAIL_TARGET, mappingAdvice } from "../../scim/entra-mapping";
import { tenantSchemas } from "../../scim/schema/resources";
import type { TenantContext } from "../../tenants/context";

export type { ConnectionFacts, MappingAdvice };
export { COUNT_CAP, EMAIL_TARGET, hasConnected };

/** The Connect page's live facts: credentials, Entra's first requests, refusals, what arrived. */
export const connectFacts = (db: D1Database): Promise<ConnectionFacts> => connectionFacts(db);

/** Entra's default mapping against what this tenant's `/Schemas` declares (its custom attributes included). */
export const mappingFor = (t: TenantContext): MappingAdvice => mappingAdvice(tenantSchemas(t.userResource));
