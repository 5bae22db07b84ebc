import { customType } from "drizzle-orm/sqlite-core";

/** SCIM compares these case-insensitively (RFC 7643 caseExact=false); NOCASE lets the index serve `eq`. */
export const nocaseText = customType<{ data: string }>({ dataType: () => "text COLLATE NOCASE" });
